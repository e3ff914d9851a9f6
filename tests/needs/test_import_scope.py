"""A county bureau imports only into its own county: rows naming another county, or an
institution outside it, are rejected with a reason naming it (web import and the worker
processes alike); the city and `jiebang import-feedback` (the system) import anywhere."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiebang.core.scoping import user_scope
from jiebang.needs.importing import import_table, read_table
from jiebang.needs.models import FeedbackItem, ImportBatch

from .conftest import HEADER, write_csv

TEXT = "来电人反映门诊排队时间太长，诉求增开窗口。"


def mixed_rows():
    """Rows of a file uploaded by 莘县: two of its own, five that lie elsewhere."""
    return [
        HEADER,
        ["SX1", "2026-03-02 09:15", "莘县", "莘县人民医院", TEXT, "", "", ""],
        ["SX2", "2026-03-02 09:16", "莘县", "", TEXT, "", "", ""],
        ["GX1", "2026-03-02 09:17", "冠县", "", TEXT, "", "", ""],  # another county
        ["GX2", "2026-03-02 09:18", "聊城市冠县", "冠县人民医院", TEXT, "", "", ""],
        ["DE1", "2026-03-02 09:19", "", "东阿县人民医院", TEXT, "", "", ""],  # its unit
        ["MIX", "2026-03-02 09:20", "莘县", "冠县人民医院", TEXT, "", "", ""],  # 莘县, other unit
        ["TXT", "2026-03-02 09:21", "", "", "来电人反映东阿县人民医院挂号难。", "", "", ""],
    ]


OUTSIDE = {"GX1": "冠县", "GX2": "冠县", "DE1": "东阿县人民医院", "MIX": "冠县人民医院"}
OUTSIDE["TXT"] = "东阿县人民医院"


def _upload(client, rows, name="热线.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload = SimpleUploadedFile(name, buffer.getvalue().encode("gb18030"), "text/csv")
    return client.post("/needs/imports/", {"file": upload})


def _lines(rows):
    return {row[0]: line for line, row in enumerate(rows, start=1)}


def test_county_import_rejects_rows_of_other_counties(login, shenxian_bureau, categories, media):
    rows = mixed_rows()
    client = login(shenxian_bureau)
    _upload(client, rows)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.accepted, batch.rejected) == ("done", 2, 5)
    stored = FeedbackItem.objects.filter(batch=batch)
    assert set(stored.values_list("external_id", flat=True)) == {"SX1", "SX2"}
    assert set(stored.values_list("region__name", flat=True)) == {"莘县"}
    # Every stored row stays in the importer's view.
    assert stored.visible_to(shenxian_bureau).count() == 2
    lines = _lines(rows)
    by_line = {r["line"]: r for r in batch.rejects}
    for external_id, place in OUTSIDE.items():
        reject = by_line[lines[external_id]]
        assert place in reject["reason"] and "不在" in reject["reason"], reject
    assert by_line[lines["GX1"]]["column"] == "所属区县"
    assert by_line[lines["DE1"]]["column"] == "涉及单位"
    assert by_line[lines["TXT"]]["column"] == "诉求内容"
    page = client.get(batch.get_absolute_url())
    assert "冠县人民医院" in page.text


def test_county_import_keeps_a_row_without_place_in_its_own_county(
    login, shenxian_bureau, categories, media
):
    rows = [HEADER, ["NP1", "2026-03-02 09:15", "", "", "医院厕所太脏了，诉求改善。", "", "", ""]]
    _upload(login(shenxian_bureau), rows)
    item = FeedbackItem.objects.get(external_id="NP1")
    assert item.region.name == "莘县"
    assert item in FeedbackItem.objects.visible_to(shenxian_bureau)


def test_city_imports_anywhere(login, city_admin, categories, media):
    _upload(login(city_admin), mixed_rows())
    batch = ImportBatch.objects.get()
    assert (batch.accepted, batch.rejected) == (7, 0)
    assert FeedbackItem.objects.get(external_id="DE1").region.name == "东阿县"


def test_command_imports_anywhere(categories, tmp_path):
    from django.core.management import call_command

    path = write_csv(tmp_path / "a.csv", mixed_rows())
    call_command("import-feedback", str(path), "--no-cluster", stdout=io.StringIO())
    assert FeedbackItem.objects.count() == 7


@pytest.mark.parametrize("parallel", [False, True])
def test_workers_apply_the_same_rule(shenxian_bureau, categories, tmp_path, parallel):
    rows = mixed_rows()
    rows += [[f"SY{i}", "2026-03-02 09:30", "莘县", "", f"{TEXT}{i}", "", "", ""] for i in range(9)]
    path = write_csv(tmp_path / "a.csv", rows, encoding="utf-8")
    result = import_table(
        read_table(path, "a.csv"),
        scope=user_scope(shenxian_bureau),
        parallel=parallel,
        chunk_size=3,
    )
    assert (result.accepted, result.rejected) == (11, 5)
    assert {r.line for r in result.rejects} == {_lines(rows)[key] for key in OUTSIDE}
    assert set(FeedbackItem.objects.values_list("region__name", flat=True)) == {"莘县"}


def test_county_user_without_county_imports_nothing(shenxian_bureau, categories, tmp_path):
    from jiebang.core.errors import DomainError

    shenxian_bureau.region = None
    shenxian_bureau.institution = None
    path = write_csv(tmp_path / "a.csv", mixed_rows(), encoding="utf-8")
    with pytest.raises(DomainError):
        import_table(read_table(path, "a.csv"), scope=user_scope(shenxian_bureau))
    assert not FeedbackItem.objects.exists()


def test_county_survey_naming_another_county_stays_in_its_county(shenxian_bureau, categories):
    from jiebang.needs import services

    item = services.record_survey(
        acting_user=shenxian_bureau, text="跟诊发现患者被转往冠县人民医院做检查，来回奔波。"
    )
    assert item.region.name == "莘县" and item.institution is None
    assert item in FeedbackItem.objects.visible_to(shenxian_bureau)


def test_city_survey_takes_the_institution_its_text_names(city_admin, categories):
    from jiebang.needs import services

    item = services.record_survey(acting_user=city_admin, text="跟诊发现冠县人民医院缴费排长队。")
    assert item.institution.name == "冠县人民医院" and item.region.name == "冠县"
