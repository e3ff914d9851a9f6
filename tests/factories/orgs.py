"""Users of each role, placed in the demo organisation tree (regions and institutions are looked
up by name, never created: tests/conftest.py loads the tree once for the session)."""

import factory
from factory.django import DjangoModelFactory, Password

from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, Region, User

COMMISSION = "聊城市卫生健康委员会"
DEFAULT_UNIT = "冠县人民医院"
DEFAULT_COUNTY = "冠县"


def institution(name: str = DEFAULT_UNIT) -> Institution:
    """A demo institution by its name (冠县人民医院, 莘县人民医院, 东阿县人民医院 …)."""
    return Institution.objects.get(name=name)


def county(name: str = DEFAULT_COUNTY) -> Region:
    """A demo county-level division by its name (冠县, 莘县, 东昌府区 …)."""
    return Region.objects.get(name=name, kind__in=Region.COUNTY_LEVEL)


def bureau_of(region: Region) -> Institution | None:
    """The health bureau of a county (冠县卫生健康局)."""
    return (
        Institution.objects.filter(kind=Institution.Kind.BUREAU, region=region)
        .order_by("pk")
        .first()
    )


class UserFactory(DjangoModelFactory):
    """An account without a usable password (tests log in with force_login); pass
    `password="…"` for one that logs in through the form."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"factory_user_{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.UNIT
    password = Password(None)


class CityAdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"factory_city_admin_{n}")
    role = Role.CITY_ADMIN
    institution = factory.LazyFunction(lambda: institution(COMMISSION))


class TaskForceUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"factory_task_force_{n}")
    role = Role.TASK_FORCE
    institution = factory.LazyFunction(lambda: institution(COMMISSION))


class CountyBureauUserFactory(UserFactory):
    """A county bureau user; `county_name` picks the county (冠县 by default), its bureau is
    the user's institution."""

    class Params:
        county_name = DEFAULT_COUNTY

    username = factory.Sequence(lambda n: f"factory_county_{n}")
    role = Role.COUNTY_BUREAU
    region = factory.LazyAttribute(lambda o: county(o.county_name))
    institution = factory.LazyAttribute(lambda o: bureau_of(o.region))


class UnitUserFactory(UserFactory):
    """A user of a unit (冠县人民医院 by default); `head=True` makes the unit's head, who
    confirms its responsibility letters."""

    class Params:
        head = factory.Trait(is_unit_head=True)

    username = factory.Sequence(lambda n: f"factory_unit_{n}")
    role = Role.UNIT
    institution = factory.LazyFunction(institution)
    is_unit_head = False


class ExpertUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"factory_expert_{n}")
    role = Role.EXPERT
    institution = factory.LazyFunction(lambda: institution("聊城市人民医院"))


class PanelUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"factory_panel_{n}")
    role = Role.PANEL


def _first(role: str) -> User | None:
    return User.objects.filter(role=role, is_active=True).order_by("pk").first()


def city_admin() -> User:
    """The demo city admin (created when the tree has none)."""
    return _first(Role.CITY_ADMIN) or CityAdminFactory()


def task_force() -> User:
    """The demo task force user (created when the tree has none)."""
    return _first(Role.TASK_FORCE) or TaskForceUserFactory()


def county_bureau_over(unit: Institution) -> User:
    """A bureau user of the unit's county: an existing one (county_guanxian …) or a new one."""
    region = unit.region.county
    existing = (
        User.objects.filter(role=Role.COUNTY_BUREAU, region=region, is_active=True)
        .order_by("pk")
        .first()
    )
    return existing or CountyBureauUserFactory(county_name=region.name)


def unit_head(unit: Institution) -> User:
    """The unit's head: the first existing one (unit_donge for 东阿县人民医院) or a new one."""
    head = User.objects.of_unit(unit).filter(is_unit_head=True).order_by("pk").first()
    return head or UnitUserFactory(institution=unit, head=True)


def unit_member(unit: Institution) -> User:
    """Someone of the unit who reports for it: its first user, or a new head."""
    return User.objects.of_unit(unit).order_by("pk").first() or unit_head(unit)


def existing_member(unit: Institution) -> User | None:
    """The unit's first user, if it has one (nobody is created)."""
    return User.objects.of_unit(unit).order_by("pk").first()
