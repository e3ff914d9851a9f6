"""The pages of the ledger's background jobs: a big export's progress and download, and the
retry of a failed task sheet import."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press
from jiebang.core.permissions import require_perm

from . import excel
from .models import TaskExport, TaskImport


def _own_export(request, pk) -> TaskExport:
    """Only its requester sees an export (another user: 404)."""
    require_perm(request.user, "ledger.view_ledger")
    return get_object_or_404(TaskExport, pk=pk, created_by=request.user)


def export_detail(request, pk):
    """A big export's progress (polled while it runs), then its download link."""
    record = _own_export(request, pk)
    if not record.finished:
        excel.expire_stale_jobs()  # a job whose worker died is shown failed, not for ever
        record.refresh_from_db()
    context = {"record": record, "list_url": reverse("ledger:task-list")}
    template = "ledger/_export_status.html" if request.htmx else "ledger/export_detail.html"
    return render(request, template, context)


def export_download(request, pk):
    record = _own_export(request, pk)
    if record.status != TaskExport.Status.DONE or not record.file:
        return redirect(record)
    name = f"ledger-{record.created_at:%Y%m%d}-{record.pk}.xlsx"
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=name)


@require_POST
def import_retry(request, pk):
    """重试: the uploader applies a failed task sheet again, from the row after the last one
    applied (excel.retry_import)."""
    require_perm(request.user, "ledger.import_tasks")
    record = get_object_or_404(TaskImport, pk=pk, created_by=request.user)
    return press(
        request,
        lambda: excel.retry_import(record, acting_user=request.user),
        message=_("The import was started again."),
        success=record,
    )
