"""Issue 10: a web hotline import is a django-tasks job on the database backend, run by a real
`jiebang db_worker` process. The worker is killed in the middle of the job and started again:
the batch does not stay "importing" for ever (expiry marks it failed, with the reason), and its
retry stores every row of the file exactly once.

Runs on PostgreSQL only: the worker is another process and must share the test database, which
on SQLite is in memory (CI runs the suite on both)."""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from playwright.sync_api import expect

from .test_login import log_in

ROWS = 30_000
ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the db_worker process must share the test database; SQLite's test database is in "
    "memory (this test runs on PostgreSQL)",
)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    """Start (and restart) `jiebang db_worker` on the test database; every worker started is
    killed at the end."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "JIEBANG_TASKS": "db",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    started = []

    def start():
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "jiebang", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        log.close()


def _big_export(path: Path) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["工单编号", "受理时间", "所属区县", "涉及单位", "诉求内容", "来电人", "联系电话"]
    )
    hospitals = ["冠县人民医院", "莘县人民医院", "东阿县人民医院", ""]
    topics = ["挂号排队时间太长", "夜间没有医生值班", "检查预约要等一周", "缴费窗口太少"]
    for i in range(ROWS):
        writer.writerow(
            [
                f"W{i:06d}",
                f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 09:{i % 60:02d}",
                ["冠县", "莘县", "东阿县"][i % 3],
                hospitals[i % 4],
                f"来电人反映{topics[i % 4]}，第{i}号诉求，希望尽快改善（{i * 7919 % 100003}）。",
                "张三",
                f"138{i:08d}",
            ]
        )
    path.write_bytes(out.getvalue().encode("gbk"))
    return path


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_leaves_no_stuck_import_and_the_retry_stores_each_row_once(
    page, live_server, demo_city, worker, settings, tmp_path, outside_requests
):
    from jiebang.needs import services
    from jiebang.needs.models import FeedbackItem, ImportBatch

    services.ensure_categories()
    first = worker()
    log_in(page, live_server, "city_admin")
    page.goto(f"{live_server.url}/needs/imports/")
    page.set_input_files("#upload-form input[type=file]", str(_big_export(tmp_path / "12345.csv")))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#import-status")).to_be_visible()
    batch = ImportBatch.objects.get()

    def storing():
        batch.refresh_from_db()
        return batch.status == "running" and batch.processed_rows >= 5000

    _wait_for(storing, 120, "the worker to store its first chunk")
    os.killpg(first.pid, signal.SIGKILL)  # the worker dies in the middle of the job
    first.wait(timeout=30)
    batch.refresh_from_db()
    stored = FeedbackItem.objects.filter(batch=batch).count()
    assert batch.status == "running" and 0 < stored < ROWS, (batch.status, stored)

    worker()  # a new worker does not take over the dead one's job …
    time.sleep(2)
    batch.refresh_from_db()
    assert batch.status == "running"
    # … and the batch does not stay "importing" for ever: once it has shown no progress for
    # JOB_HEARTBEAT_TIMEOUT (shortened here), the import list marks it failed.
    settings.JOB_HEARTBEAT_TIMEOUT = 1
    time.sleep(1.5)
    page.goto(f"{live_server.url}/needs/imports/")
    expect(page.locator("table")).to_contain_text("失败")
    settings.JOB_HEARTBEAT_TIMEOUT = 600
    page.goto(f"{live_server.url}/needs/imports/{batch.pk}/")
    expect(page.locator("#import-failed")).to_contain_text("已过期/中断")

    page.click("#retry-import")  # run by the new worker; the page polls its progress
    expect(page.locator("#accepted-count")).to_have_text(str(ROWS), timeout=180_000)
    expect(page.locator("#duplicate-count")).to_have_text("0")
    batch.refresh_from_db()
    assert (batch.status, batch.attempt, batch.rejected) == ("done", 2, 0)
    assert FeedbackItem.objects.filter(batch=batch).count() == ROWS
    assert FeedbackItem.objects.values("external_id").distinct().count() == ROWS
    assert not FeedbackItem.objects.filter(batch=batch, cluster=None).exists()
    assert outside_requests == []
