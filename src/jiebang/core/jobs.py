"""What every record of a background job shares: which run owns it, its signs of life, and the
expiry of the ones whose job is gone.

A record (a hotline ImportBatch, a ledger TaskImport or TaskExport) has `status` (pending,
running, done, failed), `attempt` (the run that owns it: a retry takes the next number),
`job_id` (the tasks backend's id of that run's job) and `heartbeat` (when that run last showed
progress, or was queued). A run writes to its record only while the record is running under its
own attempt (`beat`): once the record has expired or been retried, the old run stops at its
next write (`Superseded`), so two runs never apply the same work.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import default_task_backend
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

logger = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
UNFINISHED = (PENDING, RUNNING)


class Superseded(Exception):
    """The record no longer belongs to this run (it expired, or a retry took it over)."""


def owned(model, pk: int, attempt: int | None) -> QuerySet:
    """The record as the run `attempt` may write it (any run when attempt is None: the
    callers that run a record in the request, as tests do)."""
    records = model.objects.filter(pk=pk)
    return records if attempt is None else records.filter(attempt=attempt)


def claim(records: QuerySet, **fields) -> bool:
    """Pending → running for this run; False when the record no longer waits for it."""
    return bool(
        records.filter(status=PENDING).update(status=RUNNING, heartbeat=timezone.now(), **fields)
    )


def beat(records: QuerySet, **fields) -> None:
    """Record progress (and that the run is alive); Superseded when the record is no longer
    running under this run."""
    if not records.filter(status=RUNNING).update(heartbeat=timezone.now(), **fields):
        raise Superseded


def finish(records: QuerySet, status: str, **fields) -> bool:
    """The run's outcome, written only while the record is still running under it."""
    return bool(records.filter(status=RUNNING).update(status=status, **fields))


def enqueue(task, record, *, only_from=None, **fields) -> int | None:
    """Hand the record to a new run of `task(record.pk, attempt=…)`; returns that attempt.
    With `only_from` (statuses), only if the record is still in one of them and no other run
    took it since it was read; None, and nothing done, otherwise (a second click).

    The record is pending under its new attempt, with a fresh heartbeat (the queue's clock),
    before the job exists: a worker, or the immediate backend inside this call, may start it
    at once. A queue that cannot be reached marks the record failed with the reason."""
    model = type(record)
    records = model.objects.filter(pk=record.pk, attempt=record.attempt)
    if only_from is not None:
        records = records.filter(status__in=only_from)
    attempt = record.attempt + 1
    fields = {"status": PENDING, "attempt": attempt, "heartbeat": timezone.now(), **fields}
    if not records.update(job_id="", **fields):
        return None
    try:
        result = task.enqueue(record.pk, attempt=attempt)
    except Exception as e:
        logger.exception("Cannot queue %s %s", model._meta.label, record.pk)
        message = _("The background job could not be queued (%(error)s). Retry later.") % {
            "error": f"{type(e).__name__}: {e}"[:300]
        }
        _fail(model.objects.filter(pk=record.pk, attempt=attempt, status=PENDING), message)
    else:
        model.objects.filter(pk=record.pk, attempt=attempt).update(job_id=str(result.id)[:64])
    record.refresh_from_db()
    return attempt


def _job_gone(job_id: str) -> str | None:
    """Why the job cannot still be working on its record, or None while it may be: it ended
    (its record should have been finished first) or the backend no longer knows it."""
    backend = default_task_backend
    if not job_id or not backend.supports_get_result:
        return None
    try:
        result = backend.get_result(job_id)
    except TaskResultDoesNotExist:
        return _("the tasks backend no longer knows the job")
    except Exception as e:  # the backend itself is unreachable: decide later
        logger.warning("Cannot look up job %s: %s", job_id, e)
        return None
    if result.status == TaskResultStatus.FAILED:
        last = result.errors[-1].traceback.strip().splitlines()[-1:] if result.errors else []
        return _("the job failed: %(error)s") % {"error": (last or ["?"])[0][:300]}
    if result.status == TaskResultStatus.SUCCESSFUL:
        return _("the job ended")
    return None


def expire(model, *, now=None, waiting_for_input: timedelta | None = None) -> int:
    """Mark failed, with the reason, the records of `model` whose job is gone: running without
    a sign of life for JOB_HEARTBEAT_TIMEOUT, queued without starting for JOB_QUEUE_TIMEOUT,
    waiting for their user (no job yet) longer than `waiting_for_input`, or whose job has
    ended or vanished while they are unfinished. Returns how many were marked."""
    now = now or timezone.now()
    stalled = timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
    queued = timedelta(seconds=settings.JOB_QUEUE_TIMEOUT)
    rules = [
        (
            Q(status=RUNNING) & (Q(heartbeat__lt=now - stalled) | Q(heartbeat=None)),
            _(
                "Expired/interrupted: the background job showed no progress for %(minutes)s "
                "minutes (its worker was probably stopped)."
            )
            % {"minutes": max(1, round(stalled.total_seconds() / 60))},
        ),
        (
            Q(status=PENDING, attempt__gt=0, heartbeat__lt=now - queued),
            _(
                "Expired: the background job did not start within %(minutes)s minutes (is the "
                "worker running?)."
            )
            % {"minutes": max(1, round(queued.total_seconds() / 60))},
        ),
    ]
    if waiting_for_input is not None:
        rules.append(
            (
                Q(status=PENDING, attempt=0)
                & (
                    Q(heartbeat__lt=now - waiting_for_input)
                    | Q(heartbeat=None, created_at__lt=now - waiting_for_input)
                ),
                _("Expired: nobody went on with it within %(hours)s hours.")
                % {"hours": round(waiting_for_input.total_seconds() / 3600)},
            )
        )
    # Each UPDATE re-checks its condition, so a run that shows progress, finishes or is
    # retried meanwhile keeps its record.
    marked = sum(_fail(model.objects.filter(condition), message) for condition, message in rules)
    unfinished = model.objects.filter(status__in=UNFINISHED).exclude(job_id="")
    for pk, attempt, job_id in unfinished.values_list("pk", "attempt", "job_id"):
        if reason := _job_gone(job_id):
            message = _("Interrupted: %(reason)s before the work was finished.") % {
                "reason": reason
            }
            marked += _fail(unfinished.filter(pk=pk, attempt=attempt, job_id=job_id), message)
    return marked


def _fail(records: QuerySet, message: str) -> int:
    # Pages call the expiry as they are read: with nothing to mark, they must write nothing.
    if not records.exists():
        return 0
    model = records.model
    fields = {"status": FAILED, "message": message}
    if any(f.name == "finished_at" for f in model._meta.fields):
        fields["finished_at"] = timezone.now()
    updated = records.update(**fields)
    if updated:
        logger.warning("%s %s: %s", model._meta.verbose_name, updated, message)
    return updated


def expire_stale_imports(now=None) -> int:
    """Run every app's expiry (settings.JIEBANG_JOB_EXPIRERS); returns how many records
    were marked failed. `jiebang expire-imports` calls it, and so does every job as it starts."""
    return sum(import_string(dotted)(now=now) for dotted in settings.JIEBANG_JOB_EXPIRERS)
