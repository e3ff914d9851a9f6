import pytest

from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, Region, User
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Dimension
from jiebang.projects.project import services as project_services
from jiebang.resources import services
from jiebang.resources.models import Expert


@pytest.fixture
def dimension(db):
    project_services.ensure_dimensions()
    return Dimension.objects.get(name="数智赋能")


@pytest.fixture
def make_project(city_admin, dimension):
    def _make(**fields):
        fields.setdefault("title", "检查结果互认")
        fields.setdefault("dimension", dimension)
        return project_services.create_project(acting_user=city_admin, **fields)

    return _make


@pytest.fixture
def guanxian(db):
    return Region.objects.get(name="冠县", kind__in=Region.COUNTY_LEVEL)


@pytest.fixture
def guanxian_project(make_project, guanxian, guanxian_institution):
    return make_project(
        title="冠县影像云",
        capabilities=["信息化", "医学影像"],
        region=guanxian,
        implementing_unit=guanxian_institution,
    )


@pytest.fixture
def shenxian_project(make_project, shenxian_institution):
    return make_project(
        title="莘县胸痛单元",
        capabilities=["胸痛"],
        implementing_unit=shenxian_institution,
        region=shenxian_institution.region,
    )


@pytest.fixture
def make_expert(city_admin):
    def _make(name, specialties, institution="聊城市人民医院", **fields):
        fields.setdefault("title", Expert.Title.CHIEF_PHYSICIAN)
        fields.setdefault("phone", "13912345678")
        return services.create_expert(
            acting_user=city_admin,
            name=name,
            specialties=specialties,
            institution=Institution.objects.get(name=institution),
            **fields,
        )

    return _make


@pytest.fixture
def demo_expert(expert, make_expert):
    """The expert record of the expert_demo account."""
    return make_expert("孟庆华", ["信息化", "胸痛"], user=expert)


@pytest.fixture
def guanxian_unit(guanxian_institution):
    return User.objects.create_user(
        "res_unit_guanxian", role=Role.UNIT, institution=guanxian_institution
    )


@pytest.fixture
def publish(city_admin):
    """Publish a draft project (with the indicator and milestone publishing requires)."""
    import datetime

    def _publish(project):
        project_services.add_indicator(
            project, acting_user=city_admin, name="报告互认率", unit="%", baseline=10, target=80
        )
        project_services.add_milestone(
            project, acting_user=city_admin, title="上线", due_date=datetime.date(2027, 3, 1)
        )
        project_list = list_services.create_list(acting_user=city_admin, name="第一批")
        list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
        list_services.publish_list(project_list, acting_user=city_admin)
        project.refresh_from_db()
        return project

    return _publish
