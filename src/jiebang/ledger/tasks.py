"""Background jobs of the ledger, run by the tasks backend (settings.TASKS)."""

from django_tasks import task

from .models import TaskImport


@task()
def import_task_sheet(import_id: int) -> None:
    """Apply an uploaded task sheet too big to apply while its uploader waits."""
    from .excel import run_import

    run_import(TaskImport.objects.select_related("created_by").get(pk=import_id))
