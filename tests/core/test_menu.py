"""Each role sees its menu and nothing more; pages outside it answer 403."""

import pytest

pytestmark = pytest.mark.django_db

ALL_STAGES = ["needs", "publish", "compete", "accountability", "supervision", "evaluation"]
ALL_SYSTEM = [
    "orgs:institution-list",
    "orgs:region-list",
    "core:audit",
    "workbench:deliveries",
    "admin:index",
]
EXPECTED = {
    "city_admin": (ALL_STAGES, ALL_SYSTEM),
    "task_force": (ALL_STAGES, ALL_SYSTEM[:2]),
    "guanxian_bureau": (ALL_STAGES, ALL_SYSTEM[:2]),
    # Units work in stage 6 too: they nominate their projects.
    "donge_unit": (ALL_STAGES, ALL_SYSTEM[:1]),
    "expert": (["needs", "compete", "evaluation"], []),
    "panel_member": (["compete", "evaluation"], []),
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_menu_shows_exactly_the_role_entries(request, login, persona):
    stages, system = EXPECTED[persona]
    response = login(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 200
    menu = response.context["menu"]
    assert [s["slug"] for s in menu["stages"]] == stages
    assert [e["url_name"] for e in menu["system"]] == system
    for slug in ALL_STAGES:
        assert (f'data-stage="{slug}"' in response.text) == (slug in stages)


@pytest.mark.parametrize("persona", EXPECTED)
def test_pages_outside_the_menu_are_forbidden(request, login, persona):
    stages, system = EXPECTED[persona]
    client = login(request.getfixturevalue(persona))
    for slug in ALL_STAGES:
        expected = 200 if slug in stages else 403
        assert client.get(f"/stages/{slug}/").status_code == expected, slug
    assert client.get("/audit/").status_code == (200 if "core:audit" in system else 403)
    admin = client.get("/admin/")
    if "admin:index" in system:
        assert admin.status_code == 200
    else:
        assert admin.status_code == 302 and "/admin/login/" in admin["Location"]


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_role_has_its_landing_page(request, login, persona):
    user = request.getfixturevalue(persona)
    response = login(user).get("/")
    assert f"core/home_{user.role}.html" in [t.name for t in response.templates]
    assert user.get_role_display() in response.text


def test_landing_figures_follow_scope(login, guanxian_bureau, city_admin):
    from jiebang.orgs.models import Institution

    county = login(guanxian_bureau).get("/").context["institution_total"]
    assert county == Institution.objects.filter(region__path__startswith="/3715/371525/").count()
    city = login(city_admin).get("/").context["institution_total"]
    assert city == Institution.objects.count()


def test_pages_are_chinese_by_default(login, city_admin):
    response = login(city_admin).get("/")
    assert '<html lang="zh-hans">' in response.text
    assert "征榜问需" in response.text and "评榜提质" in response.text


def test_english_switch(login, city_admin):
    client = login(city_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert "Collect needs" in response.text
    assert "征榜问需" not in response.text


@pytest.mark.parametrize("persona", EXPECTED)
def test_every_menu_entry_opens_for_the_role_that_sees_it(request, login, persona):
    from django.urls import reverse

    client = login(request.getfixturevalue(persona))
    menu = client.get("/").context["menu"]
    entries = [e for stage in menu["stages"] for e in stage["entries"]] + menu["system"]
    assert entries
    for entry in entries:
        response = client.get(reverse(entry["url_name"]))
        assert response.status_code in (200, 302), (entry["url_name"], response.status_code)
