"""Hostile or broken hotline files: a huge cell is a rejected row, an unexpected error fails
the batch with its reason, a refused upload leaves neither a batch nor a file, control
characters never reach the database, and phone numbers are checked to their very end."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiebang.needs import importing
from jiebang.needs.importing import MAX_TEXT, import_table, read_table, run_batch
from jiebang.needs.models import FeedbackItem, ImportBatch

from .conftest import HEADER, write_csv

GOOD = [
    "OK1",
    "2026-03-02 09:15",
    "冠县",
    "冠县人民医院",
    "来电人反映挂号难，诉求增加号源。",
    "",
    "",
    "",
]


def _csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def _upload(client, name, content):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post("/needs/imports/", {"file": upload})


def _stored_files(media):
    folder = media / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


# Defect: a 500,000-character field left the import "正在导入… 0 / 1" for ever.


def test_huge_field_is_a_rejected_row(login, city_admin, categories, media):
    huge = ["BIG", "2026-03-02 09:16", "冠县", "", "长" * 500_000, "", "", ""]
    client = login(city_admin)
    _upload(client, "大字段.csv", _csv_bytes([HEADER, huge, GOOD]))
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.accepted, batch.rejected) == ("done", 1, 1)
    [reject] = batch.rejects
    assert (reject["line"], reject["column"]) == (2, "诉求内容")
    assert str(MAX_TEXT) in reject["reason"]
    # The rejected row is kept for the user to fix, not as half a megabyte per cell.
    assert max(len(v) for v in reject["values"]) <= MAX_TEXT + 1
    assert "诉求内容" in client.get(batch.get_absolute_url()).text
    offered = client.get(f"/needs/imports/{batch.pk}/rejects.csv").content.decode("utf-8-sig")
    assert "BIG" in offered and "长" * MAX_TEXT in offered and len(offered) < 2 * MAX_TEXT


@pytest.mark.parametrize("column", [0, 2, 3, 5, 6, 7])
def test_any_over_long_cell_is_a_rejected_row(categories, tmp_path, column):
    row = list(GOOD)
    row[column] = "x" * (MAX_TEXT + 1)
    path = write_csv(tmp_path / "a.csv", [HEADER, row], encoding="utf-8")
    result = import_table(read_table(path, "a.csv"))
    assert (result.accepted, result.rejected) == (0, 1)
    assert result.rejects[0].column == HEADER[column]


def test_huge_field_in_the_workers(categories, tmp_path):
    rows = [HEADER, GOOD, ["BIG", "2026-03-02 09:16", "冠县", "", "长" * 500_000, "", "", ""]]
    rows += [
        [f"P{i}", "2026-03-02 09:15", "冠县", "", f"厕所太脏{i}", "", "", ""] for i in range(6)
    ]
    path = write_csv(tmp_path / "a.csv", rows, encoding="utf-8")
    result = import_table(read_table(path, "a.csv"), parallel=True, chunk_size=2)
    assert (result.accepted, result.rejected) == (7, 1)
    assert result.rejects[0].line == 3


@pytest.fixture
def small_csv_limit():
    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


def test_field_beyond_the_csv_limit_fails_the_batch_with_its_line(
    login, city_admin, categories, media, monkeypatch, small_csv_limit
):
    monkeypatch.setattr(importing, "CSV_FIELD_LIMIT", 1000)
    csv.field_size_limit(1000)
    row = ["BIG", "2026-03-02 09:16", "冠县", "", "长" * 2000, "", "", ""]
    _upload(login(city_admin), "a.csv", _csv_bytes([HEADER, GOOD, row, GOOD]))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert "a.csv" in batch.message and "3" in batch.message


def test_unexpected_error_fails_the_batch_with_its_reason(
    city_admin, categories, media, monkeypatch, caplog
):
    from django.core.files.base import ContentFile

    from jiebang.needs import services

    upload = ContentFile(_csv_bytes([HEADER, GOOD]), name="a.csv")
    batch = services.start_import(upload, channel="hotline", acting_user=city_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "import_table", broken)
    batch = run_batch(batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert "disk on fire" in batch.message and "失败" in batch.message
    assert "disk on fire" in caplog.text  # the traceback is logged


# Defect: refused uploads left a batch "等待中" and the stored file behind.


def _xlsx_corrupt():
    return b"PK\x03\x04" + b"\x00not really a zip archive" * 20


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("空.csv", b"", "为空"),
        ("空白.csv", b"\r\n  \r\n", "为空"),
        ("图片.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是 CSV"),
        ("二进制.csv", bytes((i * 37 + 11) % 254 + 1 for i in range(5000)), "不是 CSV"),
        ("统一码.csv", ",".join(HEADER).encode("utf-16"), "UTF-16"),
        ("坏表.xlsx", _xlsx_corrupt(), "Excel"),
        ("说明.csv", "这是一份说明文档。\n第二行文字。\n第三行。\n".encode(), "不像表格"),
    ],
)
def test_refused_upload_leaves_no_batch_and_no_file(
    login, city_admin, categories, media, name, content, message
):
    response = _upload(login(city_admin), name, content)
    assert response.status_code == 200
    assert message in response.text and name in response.text
    assert not ImportBatch.objects.exists()
    assert _stored_files(media) == []


def test_refused_by_the_service_leaves_no_file(city_admin, categories, media):
    from django.core.files.base import ContentFile

    from jiebang.core.errors import DomainError
    from jiebang.needs import services

    with pytest.raises(DomainError):
        services.start_import(
            ContentFile(b"", name="a.csv"), channel="hotline", acting_user=city_admin
        )
    assert not ImportBatch.objects.exists() and _stored_files(media) == []


# Defect: NUL and other control characters went into the database (PostgreSQL refuses NUL).


def test_control_characters_are_stripped_before_storing(categories, tmp_path):
    padding = [
        [f"PAD{i}", "2026-03-02 09:15", "冠县", "", "门诊排队太久" * 20, "", "", ""]
        for i in range(40)
    ]
    dirty = [
        "NUL\x001",
        "2026-03-02 09:15",
        "冠县\x07",
        "",
        "诉求\x00内容\x1b[31m\t制表\n换行\x7f\x85完",
        "张\x00三",
        "13812345678\x0b",
        "",
    ]
    path = write_csv(tmp_path / "a.csv", [HEADER, *padding, dirty], encoding="utf-8")
    assert b"\x00" not in path.read_bytes()[:4096]  # past the binary sniffing
    result = import_table(read_table(path, "a.csv"))
    assert result.rejected == 0, result.rejects
    item = FeedbackItem.objects.get(external_id="NUL1")
    assert item.text == "诉求内容[31m\t制表\n换行完"
    assert item.caller_name == "张三" and item.caller_phone == "13812345678"
    assert item.region.name == "冠县"


def test_a_few_stray_control_characters_do_not_refuse_a_small_file(categories, tmp_path):
    row = list(GOOD)
    row[4] = "来电人\x07反映\x1b挂号难\x0c，诉求\x01增加号源。"
    path = write_csv(tmp_path / "a.csv", [HEADER, row], encoding="utf-8")
    result = import_table(read_table(path, "a.csv"))
    assert result.accepted == 1
    assert FeedbackItem.objects.get().text == "来电人反映挂号难，诉求增加号源。"


def test_control_characters_in_rejected_rows_are_stripped(categories, tmp_path):
    padding = [
        [f"PAD{i}", "2026-03-02 09:15", "冠县", "", "门诊排队太久" * 20, "", "", ""]
        for i in range(40)
    ]
    row = ["R\x001", "昨天\x00", "冠县", "", "有内容\x00", "", "", ""]
    path = write_csv(tmp_path / "a.csv", [HEADER, *padding, row], encoding="utf-8")
    result = import_table(read_table(path, "a.csv"))
    [reject] = result.rejects
    assert reject.column == "受理时间" and "\x00" not in reject.reason
    assert reject.values[:2] == ["R1", "昨天"] and "\x00" not in "".join(reject.values)


def test_public_form_strips_control_characters(client, categories):
    from django.core.cache import cache

    cache.clear()
    response = client.post(
        "/needs/online/",
        {"text": "门诊厕所太脏了\x01\x1b，希望尽快改善一下环境卫生。", "name": "李\x02四"},
    )
    assert response.status_code == 302  # to the tracking page
    item = FeedbackItem.objects.get()
    assert item.text == "门诊厕所太脏了，希望尽快改善一下环境卫生。"
    assert item.caller_name == "李四"


def test_public_form_refuses_nul_without_error(client, categories):
    from django.core.cache import cache

    cache.clear()
    response = client.post("/needs/online/", {"text": "门诊厕所太脏了\x00，希望尽快改善一下。"})
    assert response.status_code == 200
    assert not FeedbackItem.objects.exists()  # Django's forms refuse NUL: a form error


# Defect: phone patterns ending in `$` accept a trailing newline.


@pytest.mark.parametrize("phone", ["13912345678\n", "0635-7123456\n", "1391234\n5678"])
def test_public_phone_validator_checks_to_the_end(phone):
    from django.core.exceptions import ValidationError

    from jiebang.needs.forms import OnlineFeedbackForm

    field = OnlineFeedbackForm.base_fields["phone"]
    with pytest.raises(ValidationError):
        for validator in field.validators:
            validator(phone)


def test_public_phone_is_stored_stripped(client, categories):
    from django.core.cache import cache

    cache.clear()
    client.post(
        "/needs/online/",
        {"text": "门诊厕所太脏了，希望尽快改善一下环境卫生。", "phone": " 13912345678\n"},
    )
    assert FeedbackItem.objects.get().caller_phone == "13912345678"


@pytest.mark.parametrize("phone", ["1391234\n5678", "139\r\n12345678", "139\t1234\t5678"])
def test_imported_phone_with_line_breaks_is_rejected(categories, tmp_path, phone):
    row = list(GOOD)
    row[6] = phone
    path = write_csv(tmp_path / "a.csv", [HEADER, row], encoding="utf-8")
    result = import_table(read_table(path, "a.csv"))
    assert result.rejected == 1 and result.rejects[0].column == "联系电话"


def test_command_failure_leaves_no_waiting_batch(categories, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = write_csv(tmp_path / "a.csv", [HEADER[:4], GOOD[:4]], encoding="utf-8")
    with pytest.raises(CommandError, match="诉求内容"):
        call_command("import-feedback", str(path), stdout=io.StringIO())
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and "诉求内容" in batch.message
