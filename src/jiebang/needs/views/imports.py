from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.permissions import can, require_perm

from .. import services
from ..forms import MappingForm, UploadForm
from ..importing import (
    MissingColumns,
    expire_stale_batches,
    read_table,
    rejects_csv,
    resolve_columns,
)
from ..models import Channel, ImportBatch


def _batches(request):
    require_perm(request.user, "needs.import_feedback")
    batches = ImportBatch.objects.all()
    if not can(request.user, "core.view_audit"):
        batches = batches.filter(created_by=request.user)
    return batches


def _import_page(batch):
    """Where an upload goes on: its column mapping when the file lacks columns, else its
    progress."""
    if batch.status == ImportBatch.Status.PENDING and not batch.attempt:
        return reverse("needs:import-map", args=[batch.pk])
    return batch


def import_list(request):
    batches = _batches(request)
    expire_stale_batches()  # a batch whose job died shows as failed, with its retry button
    return submit(
        request,
        UploadForm(request.POST or None, request.FILES or None),
        lambda file: services.upload_import(
            file, channel=Channel.HOTLINE, acting_user=request.user
        ),
        message=None,
        success=_import_page,
        template="needs/import_list.html",
        context=lambda: {"page": Paginator(batches, 20).get_page(request.GET.get("page"))},
        error_field="file",
    )


def import_map(request, pk):
    # Only a batch that waits for its columns (no job yet: attempt 0).
    pending = _batches(request).filter(status=ImportBatch.Status.PENDING, attempt=0)
    batch = get_object_or_404(pending, pk=pk)
    table = read_table(settings.MEDIA_ROOT / batch.stored_file, batch.file_name)
    table.close()  # only its headers are needed here
    try:
        resolve_columns(table)
        missing = []
    except MissingColumns as e:
        missing = e.missing
    return submit(
        request,
        MappingForm(request.POST or None, headers=table.headers, missing=missing),
        lambda **mapping: services.map_columns(batch, mapping, acting_user=request.user),
        message=None,
        success=batch,
        template="needs/import_map.html",
        context={"batch": batch, "headers": table.headers},
    )


def import_detail(request, pk):
    batch = get_object_or_404(_batches(request), pk=pk)
    template = "needs/_import_status.html" if request.htmx else "needs/import_detail.html"
    return render(request, template, {"batch": batch, "rejects": batch.rejects[:200]})


@require_POST
def import_retry(request, pk):
    """重试: the uploader runs a failed import again (see services.retry_import); one that
    never had its columns mapped goes back to its mapping."""
    batch = get_object_or_404(_batches(request), pk=pk)

    def message(batch):
        return None if _import_page(batch) != batch else _("The import was started again.")

    return press(
        request,
        lambda: services.retry_import(batch, acting_user=request.user),
        message=message,
        success=_import_page,
        back=batch,
    )


def import_rejects(request, pk):
    batch = get_object_or_404(_batches(request), pk=pk)
    body = rejects_csv(batch.rejects, batch.mapping.get("_headers", []))
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="rejects-{batch.pk}.csv"'
    return response
