"""A county bureau sees its county and nothing of another: by list, search, URL and API."""

import pytest

from jiebang.orgs.models import Institution

pytestmark = pytest.mark.django_db


def test_county_list_shows_only_own_county(login, guanxian_bureau):
    response = login(guanxian_bureau).get("/orgs/institutions/")
    assert response.status_code == 200
    names = [i.name for i in response.context["page"].object_list]
    assert "冠县人民医院" in names
    total = response.context["page"].paginator.count
    assert total == Institution.objects.filter(region__path__startswith="/3715/371525/").count()
    assert not Institution.objects.filter(name__in=names).exclude(
        region__path__startswith="/3715/371525/"
    )


def test_county_search_cannot_find_other_county(login, guanxian_bureau):
    response = login(guanxian_bureau).get("/orgs/institutions/", {"q": "莘县"})
    assert response.context["page"].paginator.count == 0
    assert "莘县人民医院" not in response.text


def test_county_gets_404_for_other_county_url(login, guanxian_bureau, shenxian_institution):
    client = login(guanxian_bureau)
    assert client.get(shenxian_institution.get_absolute_url()).status_code == 404
    assert client.get(f"/orgs/institutions/{shenxian_institution.pk}/edit/").status_code == 404


def test_county_gets_404_for_other_county_api(login, guanxian_bureau, shenxian_institution):
    client = login(guanxian_bureau)
    assert client.get(f"/api/orgs/institutions/{shenxian_institution.pk}").status_code == 404
    listed = client.get("/api/orgs/institutions", {"q": "莘县", "limit": 500}).json()
    assert listed["count"] == 0


def test_county_sees_own_institution_by_url_and_api(login, guanxian_bureau, guanxian_institution):
    client = login(guanxian_bureau)
    assert client.get(guanxian_institution.get_absolute_url()).status_code == 200
    body = client.get(f"/api/orgs/institutions/{guanxian_institution.pk}").json()
    assert body["name"] == "冠县人民医院"
    assert body["region"] == "冠县"


def test_unit_sees_only_itself(login, donge_unit, guanxian_institution):
    client = login(donge_unit)
    listed = client.get("/api/orgs/institutions").json()
    assert [row["name"] for row in listed["items"]] == ["东阿县人民医院"]
    assert client.get(guanxian_institution.get_absolute_url()).status_code == 404


def test_city_sees_every_institution(login, city_admin):
    listed = login(city_admin).get("/api/orgs/institutions", {"limit": 1}).json()
    assert listed["count"] == Institution.objects.count()


def test_api_requires_login(client):
    assert client.get("/api/orgs/institutions").status_code == 401


@pytest.mark.parametrize("persona", ["expert", "panel_member"])
def test_expert_and_panel_may_not_list_institutions(request, login, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get("/orgs/institutions/").status_code == 403
