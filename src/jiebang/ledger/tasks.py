"""Background jobs of the ledger, run by the tasks backend (settings.TASKS). `attempt` is the
run that owns the record (core/jobs.py)."""

from django_tasks import task

from jiebang.core.jobs import expire_stale_imports

from .models import TaskExport, TaskImport


@task()
def import_task_sheet(import_id: int, attempt: int | None = None) -> None:
    """Apply an uploaded task sheet too big to apply while its uploader waits, or resume a
    failed one (a retry)."""
    from .excel import run_import

    expire_stale_imports()
    record = TaskImport.objects.select_related("created_by").get(pk=import_id)
    run_import(record, attempt=attempt)


@task()
def export_task_ledger(export_id: int, attempt: int | None = None) -> None:
    """Write a task ledger export too big to write while its requester waits."""
    from .excel import run_export

    expire_stale_imports()
    run_export(TaskExport.objects.select_related("created_by").get(pk=export_id), attempt=attempt)
