"""Editing institutions: who may, and that history records each change with its user."""

from jiebang.orgs.models import Institution, Region


def test_county_bureau_edits_own_institution_and_history_names_it(
    login, guanxian_bureau, guanxian_institution
):
    client = login(guanxian_bureau)
    url = f"/orgs/institutions/{guanxian_institution.pk}/edit/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(phone="0635-5123456", address="冠县清泉街道")
    response = client.post(url, data)
    assert response.status_code == 302

    page = client.get(guanxian_institution.get_absolute_url())
    latest = page.context["history"][0]
    assert latest.user == guanxian_bureau
    assert latest.kind == "~"
    assert {c.new for c in latest.changes} >= {"0635-5123456", "冠县清泉街道"}
    assert "0635-5123456" in page.text


def test_every_change_is_attributed(city_admin, guanxian_institution):
    from jiebang.orgs import services

    services.update_institution(guanxian_institution, acting_user=city_admin, phone="123")
    services.update_institution(guanxian_institution, acting_user=city_admin, phone="456")
    records = guanxian_institution.history.order_by("-history_date")[:2]
    assert [r.phone for r in records] == ["456", "123"]
    assert all(r.history_user == city_admin for r in records)


def test_unit_may_not_edit(login, donge_unit):
    own = donge_unit.institution
    client = login(donge_unit)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(f"/orgs/institutions/{own.pk}/edit/").status_code == 403


def test_county_cannot_move_institution_into_other_county(
    login, guanxian_bureau, guanxian_institution
):
    client = login(guanxian_bureau)
    url = f"/orgs/institutions/{guanxian_institution.pk}/edit/"
    form = client.get(url).context["form"]
    shenxian = Region.objects.get(name="莘县")
    assert shenxian not in form.fields["region"].queryset
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["region"] = shenxian.pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    guanxian_institution.refresh_from_db()
    assert guanxian_institution.region.name == "冠县"


def test_city_admin_adds_institution(login, city_admin):
    client = login(city_admin)
    region = Region.objects.get(name="冠县")
    response = client.post(
        "/orgs/institutions/new/",
        {"name": "冠县第二人民医院", "kind": "county_hospital", "level": "2a", "region": region.pk},
    )
    assert response.status_code == 302
    created = Institution.objects.get(name="冠县第二人民医院")
    assert created.history.get().history_user == city_admin


def test_duplicate_name_is_refused_in_chinese(login, city_admin):
    client = login(city_admin)
    region = Region.objects.get(name="冠县")
    response = client.post(
        "/orgs/institutions/new/",
        {"name": "冠县人民医院", "kind": "county_hospital", "level": "2a", "region": region.pk},
    )
    assert response.status_code == 200
    assert "已存在" in response.text


def test_list_query_count_is_bounded(login, city_admin, django_assert_max_num_queries):
    client = login(city_admin)
    with django_assert_max_num_queries(12):
        client.get("/orgs/institutions/")


def test_region_page_counts_come_from_records(login, city_admin):
    response = login(city_admin).get("/orgs/regions/")
    rows = dict((county.name, towns) for county, towns in response.context["rows"])
    assert len(rows) == 11
    assert len(rows["冠县"]) == Region.objects.filter(parent__name="冠县").count()
