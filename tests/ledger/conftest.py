import datetime

import pytest

from jiebang.core.roles import Role
from jiebang.ledger import services
from jiebang.orgs.models import User
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Dimension, Project
from jiebang.projects.project import services as project_services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def guanxian_unit(guanxian_institution):
    """A user of 冠县人民医院 (the implementing unit of `project`), its head."""
    return User.objects.create_user(
        "ledger_unit_guanxian",
        full_name="王主任",
        role=Role.UNIT,
        institution=guanxian_institution,
        is_unit_head=True,
    )


@pytest.fixture
def guanxian_staff(guanxian_institution):
    """Another user of the same unit, not its head."""
    return User.objects.create_user(
        "ledger_staff_guanxian",
        full_name="李医生",
        role=Role.UNIT,
        institution=guanxian_institution,
    )


def make_contracted_project(city_admin, unit, *, title="预住院服务", start=None, end=None):
    """A directed project, published (which assigns it to `unit`, the unit it names) and
    contracted (the letter's move, without a letter: the unit may still edit its dates)."""
    project_services.ensure_dimensions()
    project = project_services.create_project(
        acting_user=city_admin,
        title=title,
        dimension=Dimension.objects.get(name="流程优化"),
        implementing_unit=unit,
        channel=Project.Channel.DIRECTED,
        start_date=start or datetime.date(2026, 1, 1),
        end_date=end or datetime.date(2026, 12, 31),
    )
    project_services.add_indicator(
        project,
        acting_user=city_admin,
        name="术前平均等待时间",
        unit="天",
        baseline=5,
        target=2,
        direction="down",
    )
    project_services.add_milestone(
        project, acting_user=city_admin, title="试点运行", due_date=datetime.date(2026, 6, 30)
    )
    project_list = list_services.create_list(acting_user=city_admin, name=f"{title}榜单")
    list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
    list_services.publish_list(project_list, acting_user=city_admin)
    project.refresh_from_db()
    project.move_to(Project.Status.CONTRACTED, by=city_admin)
    return project


@pytest.fixture
def project(city_admin, guanxian_institution):
    return make_contracted_project(city_admin, guanxian_institution)


@pytest.fixture
def make_task(project, guanxian_unit):
    def _make(title="制定实施方案", *, deadline=datetime.date(2026, 3, 31), **fields):
        return services.create_task(
            fields.pop("project", project),
            acting_user=fields.pop("acting_user", guanxian_unit),
            title=title,
            deadline=deadline,
            **fields,
        )

    return _make


@pytest.fixture
def freeze_today(monkeypatch):
    """Set "now" (an aware datetime); timezone.localdate() follows it in Asia/Shanghai."""
    from django.utils import timezone

    def _freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return _freeze
