import pytest

from jiebang.needs import services as needs
from jiebang.supervision.models import ServicePoint
from tests.factories.orgs import UnitUserFactory, institution


@pytest.fixture
def categories(db):
    needs.ensure_categories()


@pytest.fixture
def window(categories):
    """A window of 冠县人民医院 (checked by 冠县's bureau, county_guanxian)."""
    return ServicePoint.objects.create(institution=institution("冠县人民医院"), name="门诊挂号窗口")


@pytest.fixture
def guanxian_unit(db):
    return UnitUserFactory(institution=institution("冠县人民医院"))
