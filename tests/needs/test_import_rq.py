"""The hotline import job through Redis (JIEBANG_TASKS=rq, django-tasks-rq): queued by the web
upload, run by an RQ burst worker in this process, read back through the tasks API. Runs when
Redis answers on 127.0.0.1:6379 (CI's machine runs one); uses its database 15, so a developer's
worker on database 0 never takes the test's job."""

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiebang.needs.importing import expire_stale_batches
from jiebang.needs.models import FeedbackItem, ImportBatch

from .conftest import hotline_rows, write_csv

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_answers(), reason="Redis does not answer on 127.0.0.1:6379"
)


@pytest.fixture
def rq_queue(settings):
    import django_rq
    from django_tasks_rq import Job

    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    yield queue
    queue.empty()


def test_a_web_import_runs_as_an_rq_job(rq_queue, login, city_admin, categories, media, tmp_path):
    from django_tasks import default_task_backend
    from django_tasks.base import TaskResultStatus
    from django_tasks_rq import Job
    from rq import SimpleWorker

    path = write_csv(tmp_path / "12345.csv", hotline_rows())
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    login(city_admin).post("/needs/imports/", {"file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == "pending" and batch.job_id in rq_queue.job_ids
    assert default_task_backend.get_result(batch.job_id).status == TaskResultStatus.READY

    # `jiebang rqworker --job-class django_tasks_rq.Job default --burst`, without forking, so
    # that the job sees this test's database transaction.
    worker = SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job)
    assert worker.work(burst=True)

    batch.refresh_from_db()
    assert (batch.status, batch.accepted, batch.rejected) == ("done", 4, 2)
    assert FeedbackItem.objects.filter(batch=batch).count() == 4
    assert default_task_backend.get_result(batch.job_id).status == TaskResultStatus.SUCCESSFUL
    assert expire_stale_batches() == 0
