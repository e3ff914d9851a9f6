import datetime
from decimal import Decimal

import pytest

from jiebang.impact import services
from jiebang.projects.models import Indicator, Project
from tests.factories.ledger import MeasurementFactory
from tests.factories.orgs import UnitUserFactory, unit_head
from tests.factories.projects import IndicatorFactory, ProjectFactory, today


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def month(shift: int) -> datetime.date:
    """The first day of the month `shift` months from this one."""
    first = today().replace(day=1)
    months = first.year * 12 + first.month - 1 + shift
    return datetime.date(months // 12, months % 12 + 1, 1)


@pytest.fixture
def project(db):
    """A project of 冠县人民医院 under way since the first day of the month six months ago,
    with two indicators: 术前平均等待时间 (lower is better) and 医保基金使用效率 (higher)."""
    project = ProjectFactory(status=Project.Status.IN_PROGRESS, start_date=month(-6))
    IndicatorFactory(
        project=project,
        name="医保基金使用效率",
        unit="%",
        baseline=88,
        target=94,
        direction=Indicator.Direction.UP,
    )
    return project


@pytest.fixture
def head(project):
    return unit_head(project.implementing_unit)


@pytest.fixture
def shenxian_project(db):
    from jiebang.orgs.models import Institution

    unit = Institution.objects.get(name="莘县人民医院")
    return ProjectFactory(status=Project.Status.IN_PROGRESS, implementing_unit=unit)


def record_figures(indicator, values: dict[int, float]) -> None:
    """Confirmed ledger figures of `indicator`: month shift → value."""
    for shift, value in values.items():
        MeasurementFactory(
            indicator=indicator, period=month(shift), value=Decimal(str(value)), confirmed=True
        )


def drop_of(level: float, *, base=5.0, before=12, after=6, seed=1) -> dict[int, float]:
    """Monthly figures around `base` with a drop of `level` from month −`after` on."""
    import random

    rng = random.Random(seed)
    return {
        shift: round(base - (level if shift >= -after else 0) + rng.gauss(0, 0.2), 2)
        for shift in range(-(before + after), 0)
    }


@pytest.fixture
def promotion(project, city_admin):
    return services.start_promotion(project, acting_user=city_admin, title="“预住院”服务模式")


@pytest.fixture
def other_unit_user(db):
    from jiebang.orgs.models import Institution

    return UnitUserFactory(institution=Institution.objects.get(name="莘县人民医院"))
