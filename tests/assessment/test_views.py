"""The ranked table, its export, the breakdown, the rules and the recognitions, per role."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiebang.assessment import points
from jiebang.assessment.models import PointRule, Recognition
from jiebang.projects.models import Project

K = PointRule.Kind
S = Project.Status
RANKING = reverse("assessment:ranking")
EXPORT = reverse("assessment:ranking-export")


@pytest.fixture
def two_counties(rules, approve_claim, guanxian_unit, shenxian_unit, publish, carry_out):
    """冠县人民医院: 点单 + 派单 = 16 points; 莘县人民医院: 点单 = 10 points."""
    approve_claim(guanxian_unit, title="甲")
    approve_claim(shenxian_unit, title="乙")
    carry_out(publish(unit=guanxian_unit.institution, title="丙"), S.ASSIGNED)


def _ids(response):
    return {r.institution.pk for r in response.context["table"].rows}


def test_city_admin_sees_every_county_in_chinese(
    login, city_admin, two_counties, guanxian_institution, shenxian_institution
):
    response = login(city_admin).get(RANKING)
    assert response.status_code == 200
    assert "考核积分" in response.content.decode()
    assert _ids(response) == {guanxian_institution.pk, shenxian_institution.pk}
    county = guanxian_institution.region.county
    response = login(city_admin).get(RANKING, {"county": county.pk})
    assert _ids(response) == {guanxian_institution.pk}


def test_county_bureau_sees_its_county_only(
    login, guanxian_bureau, two_counties, guanxian_institution, shenxian_institution
):
    client = login(guanxian_bureau)
    # Asking for another county changes nothing: the bureau's county is the scope.
    response = client.get(RANKING, {"county": shenxian_institution.region.county.pk})
    assert _ids(response) == {guanxian_institution.pk}
    assert shenxian_institution.name not in response.content.decode()
    url = reverse("assessment:unit-breakdown", args=[shenxian_institution.pk])
    assert client.get(url).status_code == 404


def test_unit_sees_its_own_row_and_breakdown_only(
    login, guanxian_unit, two_counties, guanxian_institution, shenxian_institution
):
    client = login(guanxian_unit)
    response = client.get(RANKING)
    [row] = response.context["table"].rows
    assert (row.institution, row.total, row.rank) == (guanxian_institution, 16, 1)
    assert shenxian_institution.name not in response.content.decode()

    response = client.get(reverse("assessment:unit-breakdown", args=[guanxian_institution.pk]))
    assert response.status_code == 200
    assert sorted(line.rule.name for line in response.context["lines"]) == ["派单承接", "点单揭榜"]
    assert response.context["total"] == 16
    assert "点单揭榜" in response.content.decode()
    other = reverse("assessment:unit-breakdown", args=[shenxian_institution.pk])
    assert client.get(other).status_code == 404


def test_unit_without_records_gets_a_zero_row(login, donge_unit, two_counties):
    [row] = login(donge_unit).get(RANKING).context["table"].rows
    assert (row.institution, row.total, row.rank) == (donge_unit.institution, 0, None)


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _data_rows(sheet):
    return [row for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_export_has_a_summary_and_a_ranked_sheet_per_county(
    login, city_admin, two_counties, guanxian_institution, shenxian_institution
):
    book = _workbook(login(city_admin).get(EXPORT))
    guanxian, shenxian = guanxian_institution.region.county, shenxian_institution.region.county
    assert book.sheetnames[0] == "汇总"
    assert set(book.sheetnames[1:]) == {guanxian.name, shenxian.name}
    summary = book["汇总"]
    assert "考核积分" in summary["A1"].value
    assert summary["A2"].value == "县（市、区）" and summary.freeze_panes == "A3"
    assert {(row[0], row[2]) for row in _data_rows(summary)} == {
        (guanxian.name, 16),
        (shenxian.name, 10),
    }
    sheet = book[guanxian.name]
    header = [cell.value for cell in sheet[2]]
    assert header[:2] == ["名次", "机构"] and header[-1] == "合计积分"
    assert sheet.freeze_panes == "A3" and sheet["A2"].font.bold
    [row] = _data_rows(sheet)
    assert (row[0], row[1], row[-1]) == (1, guanxian_institution.name, 16)


def test_export_is_scoped_like_the_page(
    login, shenxian_bureau, guanxian_unit, two_counties, guanxian_institution, shenxian_institution
):
    book = _workbook(login(shenxian_bureau).get(EXPORT))
    assert book.sheetnames == ["汇总", shenxian_institution.region.county.name]
    names = {row[1] for row in _data_rows(book.worksheets[1])}
    assert names == {shenxian_institution.name}

    book = _workbook(login(guanxian_unit).get(EXPORT))
    assert [row[1] for row in _data_rows(book.worksheets[1])] == [guanxian_institution.name]


def test_ranking_page_queries_do_not_grow_with_units(
    login, city_admin, two_counties, django_assert_max_num_queries
):
    client = login(city_admin)
    with django_assert_max_num_queries(25):
        assert client.get(RANKING).status_code == 200


@pytest.mark.parametrize("persona", ["task_force", "guanxian_bureau", "donge_unit"])
def test_only_the_city_admin_edits_rules(request, login, rules, persona):
    client = login(request.getfixturevalue(persona))
    rule = rules[K.CLAIM_APPROVED]
    assert client.get(reverse("assessment:rule-list")).status_code == 403
    url = reverse("assessment:rule-edit", args=[rule.pk])
    data = {"name": rule.name, "kind": rule.kind, "points": 99, "is_active": "on"}
    assert client.post(url, data).status_code == 403
    assert client.post(reverse("assessment:rule-create"), data).status_code == 403
    rule.refresh_from_db()
    assert rule.points == 10


def test_city_admin_changes_a_rule_and_the_table_follows(
    login, city_admin, rules, two_counties, guanxian_institution
):
    client = login(city_admin)
    page = client.get(reverse("assessment:rule-list"))
    assert page.status_code == 200 and "积分规则" in page.content.decode()
    rule = rules[K.CLAIM_APPROVED]
    url = reverse("assessment:rule-edit", args=[rule.pk])
    data = {"name": rule.name, "kind": rule.kind, "points": 12, "is_active": "on"}
    assert client.post(url, data).status_code == 302
    rows = {r.institution.pk: r.total for r in client.get(RANKING).context["table"].rows}
    assert rows[guanxian_institution.pk] == 12 + 6

    # A second active rule for the same records is refused with a message.
    data = {"name": "重复规则", "kind": rule.kind, "points": 1, "is_active": "on"}
    response = client.post(reverse("assessment:rule-create"), data)
    assert response.status_code == 200 and "停用" in response.content.decode()


def test_a_rule_without_a_source_shows_as_not_available_yet(
    monkeypatch, login, city_admin, rules, guanxian_unit
):
    monkeypatch.delitem(points.SOURCES, K.OVERDUE_TASK, raising=False)
    page = login(city_admin).get(reverse("assessment:rule-list")).content.decode()
    assert "尚未启用" in page
    assert "逾期任务" in login(guanxian_unit).get(RANKING).content.decode()


def test_admin_records_a_recognition_everyone_in_scope_sees_it(
    login,
    city_admin,
    rules,
    year,
    publish,
    carry_out,
    guanxian_institution,
    guanxian_unit,
    guanxian_bureau,
    shenxian_bureau,
):
    project = carry_out(publish(unit=guanxian_institution, title="预住院"), S.COMPLETED)
    url = reverse("assessment:recognition-list")
    data = {"project": project.pk, "kind": "top_ten", "year": year, "note": "十佳"}
    assert login(guanxian_bureau).post(url, data).status_code == 403
    assert login(city_admin).post(url, data).status_code == 302
    recognition = Recognition.objects.get(project=project)
    assert recognition.recorded_by == city_admin
    again = login(city_admin).post(url, data)
    assert again.status_code == 200 and Recognition.objects.count() == 1

    for user in (guanxian_unit, guanxian_bureau):
        assert project.code in login(user).get(url).content.decode()
    assert project.code not in login(shenxian_bureau).get(url).content.decode()
    row = login(guanxian_unit).get(RANKING).context["table"].rows[0]
    assert row.total == 6 + 20 + 30

    remove = reverse("assessment:recognition-remove", args=[recognition.pk])
    assert login(shenxian_bureau).post(remove).status_code == 404
    assert login(guanxian_bureau).post(remove).status_code == 403
    assert login(city_admin).post(remove).status_code == 302
    assert not Recognition.objects.exists()
