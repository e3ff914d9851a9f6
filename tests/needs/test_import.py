"""Hotline import: encodings, bad rows named, idempotent re-import, all-or-nothing per row."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from jiebang.needs.importing import MissingColumns, import_table, read_table
from jiebang.needs.models import FeedbackItem, ImportBatch

from .conftest import hotline_rows, write_csv


def test_gbk_file_imports_good_rows_and_names_bad_ones(categories, tmp_path):
    path = write_csv(tmp_path / "12345导出.csv", hotline_rows(), encoding="gbk")
    result = import_table(read_table(path, "12345导出.csv"))
    assert result.accepted == 4
    assert {(r.line, r.column) for r in result.rejects} == {(4, "诉求内容"), (6, "所属区县")}
    assert any("火星县" in r.reason for r in result.rejects)
    item = FeedbackItem.objects.get(external_id="GX0002")
    assert item.region.name == "冠县"
    assert item.institution.name == "冠县万善乡卫生院"  # matched from the text
    assert item.category is not None and 0 < item.confidence <= 1
    assert FeedbackItem.objects.get(external_id="GX0006").region.name == "冠县"  # from the unit
    received = FeedbackItem.objects.get(external_id="SX0004").received_at
    assert timezone.localtime(received).strftime("%Y-%m-%d %H:%M") == "2026-03-05 08:30"


def test_reimport_adds_nothing(categories, tmp_path):
    path = write_csv(tmp_path / "a.csv", hotline_rows(), encoding="utf-8")
    import_table(read_table(path, "a.csv"))
    before = FeedbackItem.objects.count()
    again = import_table(read_table(path, "a.csv"))
    assert FeedbackItem.objects.count() == before
    assert again.accepted == 0 and again.duplicates == 4 and again.rejected == 2


def test_each_good_row_is_all_or_nothing(categories, tmp_path):
    """A failure while storing leaves no half-written rows; the good rows of other chunks stay."""
    rows = hotline_rows()
    path = write_csv(tmp_path / "a.csv", rows, encoding="utf-8")
    calls = {"n": 0}

    def flaky(texts):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("classifier died")
        return [("其他", 0.5)] * len(texts)

    with pytest.raises(RuntimeError):
        import_table(read_table(path, "a.csv"), classify=flaky, chunk_size=2)
    stored = set(FeedbackItem.objects.values_list("external_id", flat=True))
    assert stored == {"GX0001", "GX0002"}  # the first chunk, whole; nothing of the second
    result = import_table(read_table(path, "a.csv"), chunk_size=2)
    assert result.duplicates == 2 and result.accepted == 2


def test_xlsx_export(categories, tmp_path):
    workbook = Workbook()
    for row in hotline_rows():
        workbook.active.append(row)
    workbook.save(tmp_path / "a.xlsx")
    result = import_table(read_table(tmp_path / "a.xlsx", "a.xlsx"))
    assert result.accepted == 4


def test_missing_column_is_named(categories, tmp_path):
    rows = [r[:4] for r in hotline_rows()]
    path = write_csv(tmp_path / "a.csv", rows)
    with pytest.raises(MissingColumns) as error:
        import_table(read_table(path, "a.csv"))
    assert "诉求内容" in error.value.message and "a.csv" in error.value.message


def test_other_headers_can_be_mapped(categories, tmp_path):
    rows = hotline_rows()
    rows[0] = ["单号", "时间", "县区名称", "单位", "问题描述", "来电人", "联系电话", "诉求类型"]
    path = write_csv(tmp_path / "a.csv", rows)
    mapping = {
        "external_id": "单号",
        "received_at": "时间",
        "county": "县区名称",
        "institution": "单位",
        "text": "问题描述",
    }
    assert import_table(read_table(path, "a.csv"), mapping=mapping).accepted == 4


def _upload(client, name, content, content_type="text/csv"):
    return client.post(
        "/needs/imports/", {"file": SimpleUploadedFile(name, content, content_type=content_type)}
    )


def test_web_upload_shows_rejects_and_offers_them(login, city_admin, categories, media):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(hotline_rows())
    client = login(city_admin)
    response = _upload(client, "热线.csv", buffer.getvalue().encode("gb18030"))
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    assert batch.accepted == 4 and batch.rejected == 2
    assert "火星县" in page.text and "诉求内容" in page.text
    rejects = client.get(f"/needs/imports/{batch.pk}/rejects.csv")
    text = rejects.content.decode("utf-8-sig")
    assert "行号" in text and "XX0005" in text and "GX0001" not in text


def test_web_upload_with_other_headers_goes_to_mapping(login, city_admin, categories, media):
    rows = hotline_rows()
    rows[0] = ["单号", *rows[0][1:]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    client = login(city_admin)
    response = _upload(client, "a.csv", buffer.getvalue().encode())
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/needs/imports/{batch.pk}/map/"
    form = client.get(response["Location"])
    assert "单号" in form.text
    data = {
        "external_id": "单号",
        "received_at": "受理时间",
        "county": "所属区县",
        "institution": "涉及单位",
        "text": "诉求内容",
    }
    client.post(response["Location"], data)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.accepted == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("照片.png", b"\x89PNG\r\n\x1a\n\x00\x00", "不是 CSV 或 XLSX 文件"),
        ("旧格式.xls", b"\xd0\xcf\x11\xe0\x00\x00\x00", "不是 CSV 或 XLSX 文件"),
        ("空.csv", b"", "为空"),
    ],
)
def test_wrong_files_get_a_chinese_message(
    login, city_admin, categories, media, name, content, message
):
    response = _upload(login(city_admin), name, content)
    assert response.status_code == 200
    assert message in response.text and name in response.text
    assert not FeedbackItem.objects.exists()


def test_oversized_upload_is_refused(login, city_admin, categories, media, monkeypatch):
    from jiebang.needs import services

    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 100)
    response = _upload(login(city_admin), "大.csv", b"x" * 200)
    assert "上限" in response.text
    assert not ImportBatch.objects.exists()


def test_units_may_not_import(login, donge_unit, media):
    assert login(donge_unit).get("/needs/imports/").status_code == 403


def test_import_command(categories, tmp_path):
    from django.core.management import call_command

    path = write_csv(tmp_path / "a.csv", hotline_rows())
    out = io.StringIO()
    call_command("import-feedback", str(path), "--channel", "hotline", stdout=out)
    assert "4" in out.getvalue() and "火星县" in out.getvalue()
    assert FeedbackItem.objects.count() == 4


def test_repeats_are_grouped_after_import(login, city_admin, categories, media):
    from jiebang.needs.models import Cluster

    rows = hotline_rows()
    rows.append(["GX0007", "2026-03-08 09:00", "冠县", "", "（再次来电）" + rows[2][4], "", "", ""])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    _upload(login(city_admin), "a.csv", buffer.getvalue().encode())
    first = FeedbackItem.objects.get(external_id="GX0002")
    again = FeedbackItem.objects.get(external_id="GX0007")
    assert first.cluster_id is not None and first.cluster_id == again.cluster_id
    assert Cluster.objects.get(pk=first.cluster_id).size == 2
    page = login(city_admin).get("/needs/clusters/")
    assert "万善乡" in page.text


def test_bulk_load_rebuilds_every_index(categories, tmp_path):
    from django.db import connection

    def indexes():
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, "needs_feedbackitem")
        return sorted(name for name, c in found.items() if c["index"])

    before = indexes()
    path = write_csv(tmp_path / "a.csv", hotline_rows(), encoding="utf-8")
    result = import_table(read_table(path, "a.csv"), bulk_load=True)
    assert result.accepted == 4
    assert indexes() == before
    again = import_table(read_table(path, "a.csv"), bulk_load=True)
    assert again.accepted == 0 and again.duplicates == 4


def test_parallel_import_gives_the_same_outcome(categories, tmp_path):
    rows = hotline_rows()
    rows += [
        [f"P{i}", "2026-03-02 09:15", "冠县", "", f"医院厕所太脏了{i}", "", "", ""]
        for i in range(9)
    ]
    rows.append(["P3", "2026-03-02 09:15", "冠县", "", "同一工单再次出现", "", "", ""])
    path = write_csv(tmp_path / "a.csv", rows, encoding="utf-8")
    result = import_table(read_table(path, "a.csv"), parallel=True, chunk_size=4)
    assert (result.total, result.accepted, result.rejected) == (16, 13, 3)
    assert (17, "工单编号") in {(r.line, r.column) for r in result.rejects}
    again = import_table(read_table(path, "a.csv"), parallel=True, chunk_size=4)
    assert (again.accepted, again.duplicates) == (0, 13)
    assert FeedbackItem.objects.count() == 13


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_workers_cut_the_file_between_records_as_csv_reads_it(tmp_path, encoding, newline):
    """Big imports let the workers parse the CSV bytes: cut anywhere, the pieces give the same
    rows and line numbers as reading the whole file (quoted newlines, "" and stray quotes)."""
    from jiebang.needs.importing import _raw_chunks

    rows = [["工单编号", "诉求内容", "来电人"]]
    for i in range(60):
        text = [
            "普通的一行",
            "带,逗号",
            "跨行\n的诉求\n第三行",
            '带"引号"的',
            "",
            "  ",
            'a"b',  # written quoted by csv; below also a stray quote outside any quoting
        ][i % 7]
        rows.append([f"W{i}", text, "张三" if i % 3 else ""])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    body = buffer.getvalue() + f'W90,他说"好的,李四{newline}W91,"末行未换行"'
    path = tmp_path / "a.csv"
    path.write_bytes(body.encode(encoding))
    table = read_table(path, "a.csv")
    assert table.source is not None
    expected = list(table.rows)
    for size in (1, 7, 50, 333, 10_000):
        pieces = list(_raw_chunks(table.source, size))
        assert [row for piece in pieces for row in piece.rows()] == expected, size
    assert expected[-1][1] == ["W91", "末行未换行"]
    assert expected[-2][1] == ["W90", '他说"好的', "李四"]


def test_an_open_quote_is_read_to_the_end_like_csv_does(tmp_path):
    from jiebang.needs.importing import _raw_chunks

    path = tmp_path / "a.csv"
    path.write_text(
        '工单编号,诉求内容\nA1,好\nA2,"没有收尾的引号\nA3,还在引号里\n', encoding="utf-8"
    )
    table = read_table(path, "a.csv")
    expected = list(table.rows)
    assert [row for piece in _raw_chunks(table.source, 4) for row in piece.rows()] == expected


def test_institution_found_in_text_is_the_longest_name(categories):
    from jiebang.needs.importing import Lookups

    lookups = Lookups()
    longest = lookups.names[0]
    shorter = [n for n in lookups.names if n in longest and n != longest]
    text = f"来电人反映{''.join(shorter)}和{longest}的问题"
    assert lookups.institution("", text).name == longest
    assert lookups.institution("", "与任何医院无关") is None
    assert lookups.institution(f"  {longest} ", "").name == longest
    # Same answer as trying every name, longest first.
    for named, body in [("", "冠县万善乡卫生院晚上没人"), ("东阿县人民医院门诊", "")]:
        slow = next((n for h in (named, body) if h for n in lookups.names if n in h), None)
        found = lookups.institution(named, body)
        assert (found.name if found else None) == slow


def test_times_are_read_as_beijing_time():
    from datetime import UTC, datetime

    from jiebang.needs.importing import parse_time

    assert parse_time("2025-03-05 14:23:11").astimezone(UTC) == datetime(
        2025, 3, 5, 6, 23, 11, tzinfo=UTC
    )
    assert parse_time("2025年3月5日 8时30分").astimezone(UTC).hour == 0
    assert parse_time("1988-07-01 12:00").astimezone(UTC).hour == 3  # summer time then
    assert parse_time("2025-03-05T14:23:11+00:00").hour == 14
    assert parse_time("昨天") is None and parse_time("") is None


def test_binary_and_text_copy_store_the_same_values(categories):
    """PostgreSQL gets binary COPY rows (text COPY if the columns are unexpected): both store
    the same values, tabs, newlines, backslashes and NULs in the text included."""
    from datetime import datetime, timedelta, timezone

    from django.db import connection

    from jiebang.needs import bulk
    from jiebang.needs.importing import NewItem

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    form, widths = bulk.row_format()
    assert form == bulk.BINARY
    beijing = timezone(timedelta(hours=8))
    received = datetime(2025, 3, 5, 14, 23, 11, 250, tzinfo=beijing)
    stored = {}
    for form in (bulk.BINARY, bulk.TEXT):
        item = NewItem(
            channel="hotline",
            external_id=f"T\t{form}\\1",
            received_at=received,
            text="第一行\n第二行\t制表\\反斜杠\x00🙂",
            region_id=None,
            institution_id=None,
            category_id=None,
            confidence=0.6114,
            caller_name="张\r三",
            caller_phone="",
            batch_id=None,
        )
        assert bulk.insert_rows(bulk.encode_rows([item], form, widths), form) == 1
        row = FeedbackItem.objects.get(external_id=item.external_id)
        stored[form] = (row.text, row.received_at, row.confidence, row.caller_name, row.region_id)
        assert bulk.insert_rows(bulk.encode_rows([item], form, widths), form) == 0  # stored
    assert stored[bulk.BINARY] == stored[bulk.TEXT]
    expected = ("第一行\n第二行\t制表\\反斜杠🙂", received, 0.6114, "张\r三", None)
    assert stored[bulk.BINARY] == expected
