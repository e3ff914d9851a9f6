import datetime

import pytest
from django.utils import timezone

from jiebang.accountability import services
from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.claim import services as claim_services
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Dimension
from jiebang.projects.project import services as project_services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def guanxian_head(guanxian_institution):
    return User.objects.create_user(
        "head_guanxian",
        full_name="冠县院长",
        role=Role.UNIT,
        institution=guanxian_institution,
        is_unit_head=True,
    )


@pytest.fixture
def guanxian_staff(guanxian_institution):
    return User.objects.create_user(
        "staff_guanxian", full_name="冠县科员", role=Role.UNIT, institution=guanxian_institution
    )


@pytest.fixture
def shenxian_head(shenxian_institution):
    return User.objects.create_user(
        "head_shenxian", role=Role.UNIT, institution=shenxian_institution, is_unit_head=True
    )


@pytest.fixture
def make_claimed(city_admin, guanxian_bureau, guanxian_head):
    """A published open project claimed by 冠县人民医院 through the claim services."""
    project_services.ensure_dimensions()

    def _make(title="预住院服务模式改革"):
        project = project_services.create_project(
            acting_user=city_admin,
            title=title,
            description="术前检查在门诊完成，缩短住院日。",
            dimension=Dimension.objects.get(name="流程优化"),
            channel="open",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
        )
        project_services.add_indicator(
            project,
            acting_user=city_admin,
            name="术前平均等待时间",
            unit="天",
            baseline=5,
            target="2.5",
            direction="down",
            method="病案首页统计",
        )
        project_services.add_milestone(
            project,
            acting_user=city_admin,
            title="试点科室上线",
            due_date=datetime.date(2026, 6, 30),
        )
        project_list = list_services.create_list(acting_user=city_admin, name=f"榜单{project.pk}")
        list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
        list_services.publish_list(project_list, acting_user=city_admin)
        project.refresh_from_db()
        claim = claim_services.claim_project(project, acting_user=guanxian_head, plan="方案")
        claim_services.endorse_claim(claim, acting_user=guanxian_bureau)
        claim_services.approve_claim(claim, acting_user=city_admin)
        project.refresh_from_db()
        return project

    return _make


@pytest.fixture
def claimed_project(make_claimed):
    return make_claimed()


@pytest.fixture
def letter(claimed_project, task_force):
    return services.generate_letter(claimed_project, acting_user=task_force)


@pytest.fixture
def contracted_project(letter, guanxian_head):
    services.confirm_letter(letter, acting_user=guanxian_head)
    letter.project.refresh_from_db()
    return letter.project


@pytest.fixture
def overdue_tasks(contracted_project, guanxian_head):
    from jiebang.ledger import services as ledger

    past = timezone.localdate() - datetime.timedelta(days=5)
    return [
        ledger.create_task(
            contracted_project, acting_user=guanxian_head, title=title, deadline=past
        )
        for title in ("门诊术前检查流程改造", "信息系统对接")
    ]
