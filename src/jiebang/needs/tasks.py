"""Background jobs of stage 1, run by the tasks backend (settings.TASKS)."""

from django_tasks import task

from jiebang.core import jobs

from .importing import run_batch
from .models import ImportBatch


@task()
def import_batch(batch_id: int, attempt: int | None = None) -> None:
    """Import an uploaded hotline export and group the repeats among its rows (a web import:
    the page polls the batch's progress). `attempt` is the run that owns the batch."""
    jobs.expire_stale_imports()
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    run_batch(batch, attempt=attempt, cluster=True)


def start_batch(batch: ImportBatch) -> ImportBatch:
    """Queue the import of a batch waiting to start as a new run of the job (its page shows
    the progress); a batch already started (a second click) is left as it is."""
    jobs.enqueue(import_batch, batch, only_from=[ImportBatch.Status.PENDING], message="")
    return batch
