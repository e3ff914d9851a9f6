import datetime

import pytest
from django.utils import timezone

from jiebang.assessment.services import ensure_default_rules
from jiebang.core.roles import Role
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import User
from jiebang.projects.claim import services as claim_services
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Project
from jiebang.projects.project import services as project_services

S = Project.Status


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def rules(db):
    return {rule.kind: rule for rule in ensure_default_rules()}


@pytest.fixture
def guanxian_unit(guanxian_institution):
    return User.objects.create_user(
        "pts_guanxian", role=Role.UNIT, institution=guanxian_institution
    )


@pytest.fixture
def shenxian_unit(shenxian_institution):
    return User.objects.create_user(
        "pts_shenxian", role=Role.UNIT, institution=shenxian_institution
    )


@pytest.fixture
def publish(city_admin):
    """A published project: open for claims, or directed to `unit`."""

    def _publish(*, unit=None, end_date=None, title="预住院"):
        project = project_services.create_project(
            acting_user=city_admin,
            title=title,
            implementing_unit=unit,
            channel=Project.Channel.DIRECTED if unit else Project.Channel.OPEN,
            start_date=datetime.date(2020, 1, 1),
            end_date=end_date or datetime.date(2099, 12, 31),
        )
        project_services.add_indicator(
            project, acting_user=city_admin, name="术前等待时间", baseline=5, target=2
        )
        project_list = list_services.create_list(acting_user=city_admin, name=f"榜单 {title}")
        list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
        list_services.publish_list(project_list, acting_user=city_admin)
        project.refresh_from_db()
        return project

    return _publish


@pytest.fixture
def approve_claim(publish, city_admin, guanxian_bureau, shenxian_bureau):
    """点单 through the services: the unit claims, its county endorses, the city approves."""

    def _approve(unit_user, title="预住院"):
        project = publish(title=title)
        claim = claim_services.claim_project(project, acting_user=unit_user, plan="三个月内完成")
        path = unit_user.institution.region.path
        bureau = next(
            b
            for b in (guanxian_bureau, shenxian_bureau)
            if path.startswith(user_scope(b).region_path)
        )
        claim_services.endorse_claim(claim, acting_user=bureau)
        claim_services.approve_claim(claim, acting_user=city_admin)
        project.refresh_from_db()
        return project

    return _approve


@pytest.fixture
def carry_out(city_admin):
    """Move a project along to `status` (派单 assigned, then contracted … completed) from where
    it is: a directed project is assigned already, since its list was published."""

    def _carry(project, status):
        path = [S.ASSIGNED, S.CONTRACTED, S.IN_PROGRESS, S.COMPLETED, S.EVALUATED]
        current = S.ASSIGNED if project.status == S.CLAIMED else project.status
        start = path.index(current) + 1 if current in path else 0
        for step in path[start : path.index(status) + 1]:
            project.move_to(step, by=city_admin)
        return project

    return _carry
