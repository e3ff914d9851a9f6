"""The city admin searches every change by record type, user and date."""

from jiebang.orgs import services


def test_audit_finds_change_by_user(login, city_admin, guanxian_bureau, guanxian_institution):
    services.update_institution(guanxian_institution, acting_user=guanxian_bureau, phone="0635-1")
    client = login(city_admin)
    response = client.get(
        "/audit/", {"user": "county_guanxian", "model": "orgs.HistoricalInstitution"}
    )
    rows = response.context["rows"]
    assert rows and all(r.user == guanxian_bureau for r in rows)
    assert rows[0].object_repr == "冠县人民医院"
    assert any(c.new == "0635-1" for c in rows[0].changes)
    assert "0635-1" in response.text


def test_audit_filters_by_action(login, city_admin):
    rows = login(city_admin).get("/audit/", {"kind": "+"}).context["rows"]
    assert rows and {r.kind for r in rows} == {"+"}


def test_audit_is_city_admin_only(login, task_force):
    assert login(task_force).get("/audit/").status_code == 403
