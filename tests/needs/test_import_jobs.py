"""Hotline web imports as django-tasks jobs (issue 10): queued with the batch and the run that
owns it, retried by the uploader without storing a row twice, and expired when their job is
gone (worker killed, never started, mapping abandoned)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from jiebang.needs import importing
from jiebang.needs.importing import expire_stale_batches
from jiebang.needs.models import FeedbackItem, ImportBatch

from .conftest import HEADER, hotline_rows, write_csv

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside the job: nothing after it runs."""


def _upload(client, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    return client.post("/needs/imports/", {"file": upload})


def _queued_job():
    from django_tasks import default_task_backend

    [job] = default_task_backend.results
    return job


def test_a_web_import_is_queued_as_a_job_the_page_polls(
    settings, login, city_admin, categories, media, tmp_path
):
    settings.TASKS = DUMMY
    client = login(city_admin)
    response = _upload(client, write_csv(tmp_path / "a.csv", hotline_rows()))
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    assert (batch.status, batch.attempt) == ("pending", 1) and batch.job_id
    job = _queued_job()
    assert job.task.name == "import_batch"
    assert (job.args, job.kwargs) == ([batch.pk], {"attempt": 1})
    page = client.get(batch.get_absolute_url())
    assert 'hx-trigger="every 1s"' in page.text and "等待后台" in page.text
    assert not FeedbackItem.objects.exists()  # nothing imported in the request

    job.task.call(*job.args, **job.kwargs)  # what the worker does
    batch.refresh_from_db()
    assert (batch.status, batch.accepted, batch.rejected) == ("done", 4, 2)
    assert not FeedbackItem.objects.filter(batch=batch, cluster=None).exists()  # grouped too


def test_a_killed_job_expires_and_its_retry_stores_each_row_once(
    login, city_admin, categories, media, tmp_path, monkeypatch, settings
):
    settings.TASKS = DUMMY
    client = login(city_admin)
    _upload(client, write_csv(tmp_path / "a.csv", hotline_rows()))
    batch = ImportBatch.objects.get()
    real_insert = importing.insert_rows

    def killed_while_storing(rows, form):
        real_insert(rows[:2], form)  # two rows reached the database, then the worker died
        raise WorkerKilled

    monkeypatch.setattr(importing, "insert_rows", killed_while_storing)
    job = _queued_job()
    with pytest.raises(WorkerKilled):
        job.task.call(*job.args, **job.kwargs)
    batch.refresh_from_db()
    assert batch.status == "running" and FeedbackItem.objects.filter(batch=batch).count() == 2

    # Fresh progress: still counted alive; ten minutes without any: expired with the reason.
    assert expire_stale_batches() == 0
    later = timezone.now() + timedelta(minutes=11)
    assert expire_stale_batches(now=later) == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and "已过期/中断" in batch.message
    page = client.get(batch.get_absolute_url())
    assert "已过期/中断" in page.text and 'id="retry-import"' in page.text

    monkeypatch.setattr(importing, "insert_rows", real_insert)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert client.get(f"/needs/imports/{batch.pk}/retry/").status_code == 405  # POST only
    response = client.post(f"/needs/imports/{batch.pk}/retry/")
    assert response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert (batch.status, batch.attempt, batch.message) == ("done", 2, "")
    # The two rows the dead run stored count as imported by this batch, not as duplicates.
    assert (batch.accepted, batch.duplicates, batch.rejected) == (4, 0, 2)
    assert FeedbackItem.objects.filter(batch=batch).count() == 4
    assert FeedbackItem.objects.count() == 4

    client.post(f"/needs/imports/{batch.pk}/retry/")  # a second click: nothing happens
    batch.refresh_from_db()
    assert (batch.status, batch.attempt) == ("done", 2) and FeedbackItem.objects.count() == 4


def test_only_the_uploader_retries(login, city_admin, task_force, categories, media, tmp_path):
    batch = ImportBatch.objects.create(
        file_name="a.csv", channel="hotline", created_by=city_admin, status="failed"
    )
    response = login(task_force).post(f"/needs/imports/{batch.pk}/retry/")
    assert response.status_code in (403, 404)
    batch.refresh_from_db()
    assert (batch.status, batch.attempt) == ("failed", 0)


def test_a_retry_without_its_file_says_so(login, city_admin, categories, media):
    batch = ImportBatch.objects.create(
        file_name="丢失.csv",
        channel="hotline",
        created_by=city_admin,
        status="failed",
        stored_file="imports/gone.csv",
    )
    page = login(city_admin).post(f"/needs/imports/{batch.pk}/retry/", follow=True)
    assert "丢失.csv" in page.text and "重新上传" in page.text
    batch.refresh_from_db()
    assert batch.status == "failed"


def test_expiry_rules(city_admin, categories, media, monkeypatch):
    now = timezone.now()

    def batch(status, *, attempt=0, heartbeat=None, hours_old=0.0):
        made = ImportBatch.objects.create(
            file_name=f"{status}.csv",
            channel="hotline",
            created_by=city_admin,
            status=status,
            attempt=attempt,
            heartbeat=heartbeat,
        )
        created = now - timedelta(hours=hours_old)
        ImportBatch.objects.filter(pk=made.pk).update(created_at=created)
        return made

    mapping_left = batch("pending", heartbeat=now - timedelta(hours=25), hours_old=25)
    mapping_open = batch("pending", heartbeat=now - timedelta(hours=2), hours_old=2)
    never_started = batch("pending", attempt=1, heartbeat=now - timedelta(minutes=61))
    queued = batch("pending", attempt=1, heartbeat=now - timedelta(minutes=5))
    silent = batch("running", attempt=1, heartbeat=now - timedelta(minutes=11))
    alive = batch("running", attempt=1, heartbeat=now - timedelta(minutes=1))
    finished = batch("done", attempt=1, heartbeat=now - timedelta(days=3))

    out = io.StringIO()
    call_command("expire-imports", stdout=out)
    assert "3" in out.getvalue()
    status = dict(ImportBatch.objects.values_list("pk", "status"))
    assert status[mapping_left.pk] == status[never_started.pk] == status[silent.pk] == "failed"
    assert status[mapping_open.pk] == status[queued.pk] == "pending"
    assert (status[alive.pk], status[finished.pk]) == ("running", "done")
    messages = dict(ImportBatch.objects.values_list("pk", "message"))
    assert "24" in messages[mapping_left.pk] and "60" in messages[never_started.pk]


def test_an_expired_mapping_goes_back_to_its_mapping_screen(
    login, city_admin, categories, media, tmp_path
):
    rows = [["单号", *HEADER[1:]], *hotline_rows()[1:]]
    client = login(city_admin)
    response = _upload(client, write_csv(tmp_path / "a.csv", rows))
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/needs/imports/{batch.pk}/map/"
    expire_stale_batches(now=timezone.now() + timedelta(hours=25))
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert client.get(f"/needs/imports/{batch.pk}/map/").status_code == 404
    response = client.post(f"/needs/imports/{batch.pk}/retry/")
    assert response["Location"] == f"/needs/imports/{batch.pk}/map/"
    assert client.get(response["Location"]).status_code == 200


def test_a_job_whose_batch_was_taken_over_does_nothing(city_admin, categories, media, tmp_path):
    from jiebang.needs.tasks import import_batch

    (media / "imports").mkdir(parents=True)
    write_csv(media / "imports" / "a.csv", hotline_rows())
    batch = ImportBatch.objects.create(
        file_name="a.csv",
        channel="hotline",
        created_by=city_admin,
        stored_file="imports/a.csv",
        attempt=2,  # a retry queued after run 1
    )
    import_batch.call(batch.pk, attempt=1)  # run 1 turns up late
    batch.refresh_from_db()
    assert (batch.status, batch.attempt) == ("pending", 2)
    assert not FeedbackItem.objects.exists()
    import_batch.call(batch.pk, attempt=2)
    batch.refresh_from_db()
    assert (batch.status, batch.accepted) == ("done", 4)


def test_a_job_the_backend_reports_failed_fails_its_batch(
    settings, login, city_admin, categories, media, tmp_path
):
    """On the database backend the job's own outcome is read back: a job that failed outside
    the import (or was pruned) leaves no batch waiting for it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _upload(login(city_admin), write_csv(tmp_path / "a.csv", hotline_rows()))
    batch = ImportBatch.objects.get()
    job = DBTaskResult.objects.get(id=batch.job_id)
    assert expire_stale_batches() == 0  # queued a moment ago
    job.set_failed(MemoryError("out of memory"))
    assert expire_stale_batches() == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and "MemoryError" in batch.message
