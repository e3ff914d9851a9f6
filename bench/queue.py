"""Work-queue benchmark: the task force's 我的待办 page (server time) on the demo city and on
the demo city with its pending work multiplied by ten.

    .venv/bin/python bench/queue.py [--db sqlite|postgres] [--database-url URL]

It loads the demo into a throwaway database (see bench/ingest.py), then times GET /work/ (the
first page, every kind, sorted by deadline), the filtered page of progress updates and the
home page, each the median of --repeat runs after one warm-up. Then it copies every pending
progress update, overdue task and low-confidence feedback item nine times and times again.
The last line is one JSON object with queue_ms and queue_ms_10x (target: ≤ 150 ms each).
"""

import sys
from pathlib import Path

# This file is named like the standard library's `queue`, which Python would import from here
# (the script's folder comes first on sys.path): take the folder off before anything imports it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_ingest", HERE / "ingest.py")
_ingest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ingest)
throwaway_database = _ingest.throwaway_database


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", help="Use this database instead of a throwaway one.")
    parser.add_argument("--repeat", type=int, default=7)
    return parser.parse_args()


def timed(client, url, repeat) -> float:
    client.get(url)  # warm-up (template and query caches)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return round(statistics.median(times), 1)


def measure(client, repeat) -> dict:
    return {
        "queue": timed(client, "/work/", repeat),
        "updates": timed(client, "/work/?kind=ledger.confirm_update&sort=project", repeat),
        "home": timed(client, "/", repeat),
    }


def multiply(times: int) -> dict:
    """Copy the pending work `times` more times (new rows, same projects and units)."""
    from django.db import transaction

    from jiebang.ledger.models import ProgressUpdate, Review, Task
    from jiebang.needs.models import FeedbackItem

    copied = {}
    with transaction.atomic():
        tasks = list(Task.objects.filter(status__in=["not_started", "in_progress"], parent=None))
        updates = list(ProgressUpdate.objects.filter(review=Review.SUBMITTED))
        items = list(FeedbackItem.objects.filter(reviewed_at=None))
        originals = [task.pk for task in tasks]
        for n in range(times):
            for task in tasks:
                task.pk = task.id = None
                task.title = f"{task.title[:190]} #{n}"
            Task.objects.bulk_create(tasks, batch_size=1000)
            # Each copied update reports on the copy of its task (or its own task if that one
            # is a sub-task or done).
            copy_of = {old: task.pk for old, task in zip(originals, tasks, strict=True)}
            for update in updates:
                update.pk = update.id = None
                update.task_id = copy_of.get(update.task_id, update.task_id)
            ProgressUpdate.objects.bulk_create(updates, batch_size=1000)
            for item in items:
                item.pk = item.id = None
                item.external_id = None
            FeedbackItem.objects.bulk_create(items, batch_size=2000)
        copied = {"tasks": len(tasks) * times, "updates": len(updates) * times}
        copied["feedback"] = len(items) * times
    return copied


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="jiebang-bench-"))
    url, cleanup = (
        (args.database_url, lambda: None)
        if args.database_url
        else throwaway_database(args.db, workdir)
    )
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="jiebang.settings",
        JIEBANG_VAR_DIR=str(workdir),
        JIEBANG_TASKS="immediate",
        ALLOWED_HOSTS="testserver,127.0.0.1",
    )
    import django

    django.setup()
    try:
        from django.core.management import call_command
        from django.test import Client

        from jiebang.orgs.models import User

        started = time.perf_counter()
        call_command("demo", no_serve=True)
        print(f"demo loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        client = Client()
        user = User.objects.get(username="taskforce")
        client.force_login(user)
        from jiebang.workbench import queue

        size = queue.total(user)
        demo = measure(client, args.repeat)
        copied = multiply(9)
        size_10x = queue.total(user)
        tenfold = measure(client, args.repeat)
        figures = {
            "db": args.db,
            "queue_items": size,
            "queue_items_10x": size_10x,
            "copied": copied,
            "queue_ms": demo["queue"],
            "queue_updates_ms": demo["updates"],
            "home_ms": demo["home"],
            "queue_ms_10x": tenfold["queue"],
            "queue_updates_ms_10x": tenfold["updates"],
            "home_ms_10x": tenfold["home"],
        }
        print(json.dumps(figures))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
