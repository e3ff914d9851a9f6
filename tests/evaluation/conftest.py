"""A small evaluation round built through the services.

Three completed projects — 冠县人民医院's, 莘县人民医院's and 东阿县人民医院's — nominated by
their units (unit_donge for 东阿) and admitted; a panel of four: an expert of 冠县人民医院
(conflict with the 冠县 nomination: own institution), a public supervisor living in 莘县 (conflict
with the 莘县 nomination: same county), a media representative with no conflict, and panel_demo.
"""

import pytest

from jiebang.core.roles import Role
from jiebang.evaluation import services
from jiebang.evaluation.models import Criterion, ScoreSheet
from jiebang.orgs.models import User
from jiebang.projects.models import Project
from tests.factories.orgs import county, institution
from tests.factories.projects import ProjectFactory

S = Project.Status
UNITS = ("冠县人民医院", "莘县人民医院", "东阿县人民医院")


def scores(value=80, **per_code) -> dict:
    return {code: per_code.get(code, value) for code in Criterion.values}


@pytest.fixture
def unit_users(db):
    """A unit user for 冠县人民医院 and 莘县人民医院, and unit_donge for 东阿县人民医院."""
    users = {
        name: User.objects.create_user(f"ev_{i}", role=Role.UNIT, institution=institution(name))
        for i, name in enumerate(UNITS[:2])
    }
    users[UNITS[2]] = User.objects.get(username="unit_donge")
    return users


@pytest.fixture
def projects(db):
    return {
        name: ProjectFactory(status=S.COMPLETED, implementing_unit=institution(name), title=title)
        for name, title in zip(
            UNITS, ("乡村医生县招乡聘村用", "健康护航进校园", "门诊志愿服务"), strict=True
        )
    }


@pytest.fixture
def round_(city_admin):
    return services.create_round(acting_user=city_admin, name="十佳改革项目评选", year=2026)


@pytest.fixture
def nominations(round_, projects, unit_users, city_admin):
    made = {}
    for name in UNITS:
        nomination = services.nominate(
            round_, projects[name], acting_user=unit_users[name], write_up=f"{name}的案例材料。"
        )
        made[name] = services.screen_nomination(nomination, acting_user=city_admin, accept=True)
    return made


@pytest.fixture
def raters(db, panel_member):
    return {
        "guan_expert": User.objects.create_user(
            "ev_expert",
            role=Role.EXPERT,
            institution=institution("冠县人民医院"),
            full_name="冠专家",
        ),
        "shen_public": User.objects.create_user(
            "ev_public", role=Role.PANEL, region=county("莘县"), full_name="莘监督员"
        ),
        "media": User.objects.create_user("ev_media", role=Role.PANEL, full_name="记者"),
        "panel_demo": panel_member,
    }


@pytest.fixture
def panel(round_, raters, city_admin):
    kinds = {
        "guan_expert": "expert",
        "shen_public": "public",
        "media": "media",
        "panel_demo": "media",
    }
    return {
        key: services.add_panel_member(round_, acting_user=city_admin, user=user, kind=kinds[key])
        for key, user in raters.items()
    }


@pytest.fixture
def drawn(round_, nominations, panel, city_admin):
    services.draw_panel(round_, acting_user=city_admin)
    round_.refresh_from_db()
    return round_


def sheet_of(user, nomination) -> ScoreSheet:
    return ScoreSheet.objects.get(rater=user, nomination=nomination)


@pytest.fixture
def scored(drawn, nominations, raters):
    """Every sheet handed in: 东阿 best, then 莘县, then 冠县, whoever scores."""
    level = {UNITS[0]: 60, UNITS[1]: 75, UNITS[2]: 90}
    for name, nomination in nominations.items():
        for sheet in ScoreSheet.objects.filter(nomination=nomination).select_related("rater"):
            services.submit_sheet(
                sheet, acting_user=sheet.rater, scores=scores(level[name]), comment="好"
            )
    return drawn


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in the source language, whatever the catalogue holds (the pages
    set their own language per request)."""
    from django.utils import translation

    with translation.override("en"):
        yield
