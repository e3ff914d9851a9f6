"""The ledger's background jobs (issue 10): a task sheet import that dies half-applied expires and
its retry resumes after the last applied row (no task added twice); a run whose import was taken
over stops before its next row; a big export is written by a job and downloaded only by its
requester."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from jiebang.ledger import excel, services
from jiebang.ledger.models import Task, TaskExport, TaskImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside the job: nothing after it runs."""


def _sheet(project, count):
    book = Workbook()
    sheet = book.active
    sheet.append(["项目编号", "任务名称", "截止日期"])
    for i in range(count):
        sheet.append([project.code, f"任务{i:02d}", "2026-09-30"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content):
    upload = SimpleUploadedFile("任务表.xlsx", content, content_type=XLSX)
    return client.post(reverse("ledger:import"), {"file": upload})


def _queued_job():
    from django_tasks import default_task_backend

    [job] = default_task_backend.results
    return job


def _dies_on_call(monkeypatch, number):
    """services.create_task works, then kills the worker on its `number`-th call."""
    real = services.create_task
    calls = []

    def create_task(*args, **kwargs):
        calls.append(1)
        if len(calls) == number:
            raise WorkerKilled
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "create_task", create_task)
    return real


def test_a_half_applied_import_resumes_after_its_last_applied_row(
    settings, login, project, guanxian_unit, monkeypatch
):
    settings.TASKS = DUMMY
    monkeypatch.setattr(excel, "INLINE_ROWS", 3)
    client = login(guanxian_unit)
    _upload(client, _sheet(project, 10))
    record = TaskImport.objects.get()
    job = _queued_job()
    assert (job.args, job.kwargs) == ([record.pk], {"attempt": 1})

    real = _dies_on_call(monkeypatch, 6)  # rows 2–6 applied, the worker dies on row 7
    with pytest.raises(WorkerKilled):
        job.task.call(*job.args, **job.kwargs)
    record.refresh_from_db()
    assert (record.status, record.applied_row, record.added) == ("running", 6, 5)
    assert Task.objects.filter(project=project).count() == 5

    excel.expire_stale_jobs(now=timezone.now() + timedelta(minutes=11))
    record.refresh_from_db()
    assert record.status == "failed" and "已过期/中断" in record.message
    page = client.get(record.get_absolute_url())
    assert 'id="retry-import"' in page.text and "第 6 行" in page.text

    monkeypatch.setattr(services, "create_task", real)
    settings.TASKS = IMMEDIATE
    assert client.get(reverse("ledger:import-retry", args=[record.pk])).status_code == 405
    client.post(reverse("ledger:import-retry", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.attempt, record.added, record.rejected) == ("done", 2, 10, 0)
    titles = list(Task.objects.filter(project=project).values_list("title", flat=True))
    assert sorted(titles) == [f"任务{i:02d}" for i in range(10)]  # each once

    client.post(reverse("ledger:import-retry", args=[record.pk]))  # a second click
    record.refresh_from_db()
    assert record.attempt == 2 and Task.objects.filter(project=project).count() == 10


def test_rejects_before_the_resume_point_are_kept(
    settings, login, project, guanxian_unit, monkeypatch
):
    settings.TASKS = DUMMY
    monkeypatch.setattr(excel, "INLINE_ROWS", 3)
    book = Workbook()
    sheet = book.active
    sheet.append(["项目编号", "任务名称", "截止日期"])
    sheet.append([project.code, "好任务一", "2026-09-30"])
    sheet.append([project.code, "坏日期", "下个月"])  # row 3: rejected
    sheet.append([project.code, "好任务二", "2026-09-30"])
    sheet.append([project.code, "好任务三", "2026-09-30"])
    sheet.append([project.code, "好任务四", "2026-09-30"])
    out = io.BytesIO()
    book.save(out)
    client = login(guanxian_unit)
    _upload(client, out.getvalue())
    record = TaskImport.objects.get()
    real = _dies_on_call(monkeypatch, 3)  # dies on row 5
    job = _queued_job()
    with pytest.raises(WorkerKilled):
        job.task.call(*job.args, **job.kwargs)
    record.refresh_from_db()
    assert (record.applied_row, record.added, record.rejected) == (4, 2, 1)

    monkeypatch.setattr(services, "create_task", real)
    excel.expire_stale_jobs(now=timezone.now() + timedelta(minutes=11))
    settings.TASKS = IMMEDIATE
    client.post(reverse("ledger:import-retry", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.added, record.rejected) == ("done", 4, 1)
    assert [r["row"] for r in record.rejects] == [3]
    assert Task.objects.filter(project=project).count() == 4


def test_a_run_whose_import_was_taken_over_stops_before_its_next_row(
    settings, login, project, guanxian_unit, monkeypatch
):
    settings.TASKS = DUMMY
    monkeypatch.setattr(excel, "INLINE_ROWS", 3)
    _upload(login(guanxian_unit), _sheet(project, 6))
    record = TaskImport.objects.get()
    rows = excel.Sheet.rows
    passes = []

    def rows_then_taken_over(sheet):
        passes.append(1)  # the first pass counts the rows, the second applies them
        for line, values in rows(sheet):
            if len(passes) == 2 and line == 4:  # the import expired, its uploader retried
                TaskImport.objects.filter(pk=record.pk).update(attempt=2, status="pending")
            yield line, values

    monkeypatch.setattr(excel.Sheet, "rows", rows_then_taken_over)
    job = _queued_job()
    job.task.call(*job.args, **job.kwargs)
    record.refresh_from_db()
    # Row 4 was rolled back with its record of it: the retry will apply it.
    assert (record.status, record.attempt, record.applied_row) == ("pending", 2, 3)
    assert Task.objects.filter(project=project).count() == 2


def test_only_the_uploader_may_retry(login, project, guanxian_unit, guanxian_staff):
    record = TaskImport.objects.create(
        file_name="任务表.xlsx", created_by=guanxian_unit, status="failed"
    )
    response = login(guanxian_staff).post(reverse("ledger:import-retry", args=[record.pk]))
    assert response.status_code == 404
    record.refresh_from_db()
    assert (record.status, record.attempt) == ("failed", 0)


def test_a_big_export_is_a_job_downloaded_by_its_requester_only(
    settings, login, project, make_task, guanxian_unit, guanxian_staff, monkeypatch
):
    monkeypatch.setattr(excel, "EXPORT_INLINE_ROWS", 2)
    for i in range(3):
        make_task(f"导出任务{i}")
    settings.TASKS = DUMMY
    client = login(guanxian_unit)
    response = client.get(reverse("ledger:export"), {"q": "导出", "page": "2"})
    record = TaskExport.objects.get()
    assert response["Location"] == record.get_absolute_url()
    assert (record.status, record.query) == ("pending", "q=%E5%AF%BC%E5%87%BA")
    client.get(reverse("ledger:export"), {"q": "导出"})  # asked again while it waits
    assert TaskExport.objects.count() == 1
    page = client.get(record.get_absolute_url())
    assert 'hx-trigger="every 1s"' in page.text and "等待后台" in page.text

    job = _queued_job()
    job.task.call(*job.args, **job.kwargs)
    page = client.get(record.get_absolute_url())
    assert 'id="export-download"' in page.text and "3 项任务" in page.text
    download = client.get(reverse("ledger:export-download", args=[record.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    titles = [cell.value for cell in sheet["E"][excel.HEADER_ROW :]]
    assert sorted(titles) == ["导出任务0", "导出任务1", "导出任务2"]

    other = login(guanxian_staff)
    assert other.get(record.get_absolute_url()).status_code == 404
    assert other.get(reverse("ledger:export-download", args=[record.pk])).status_code == 404


def test_a_small_export_stays_a_direct_download(login, project, make_task, guanxian_unit):
    make_task("小任务")
    response = login(guanxian_unit).get(reverse("ledger:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert not TaskExport.objects.exists()


def test_an_export_whose_worker_died_shows_failed(login, guanxian_unit):
    record = TaskExport.objects.create(
        created_by=guanxian_unit,
        scope="冠县人民医院",
        status="running",
        attempt=1,
        heartbeat=timezone.now() - timedelta(minutes=30),
    )
    page = login(guanxian_unit).get(record.get_absolute_url())
    assert 'id="export-failed"' in page.text and "已过期/中断" in page.text
    assert "hx-trigger" not in page.text
