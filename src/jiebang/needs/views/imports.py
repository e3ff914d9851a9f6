from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.errors import DomainError
from jiebang.core.permissions import can, require_perm

from .. import services
from ..forms import MappingForm, UploadForm
from ..importing import (
    MissingColumns,
    expire_stale_batches,
    missing_columns,
    read_table,
    rejects_csv,
    resolve_columns,
)
from ..models import Channel, ImportBatch
from ..tasks import start_batch


def _batches(request):
    require_perm(request.user, "needs.import_feedback")
    batches = ImportBatch.objects.all()
    if not can(request.user, "core.view_audit"):
        batches = batches.filter(created_by=request.user)
    return batches


def import_list(request):
    batches = _batches(request)
    expire_stale_batches()  # a batch whose job died shows as failed, with its retry button
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_import(
                form.cleaned_data["file"], channel=Channel.HOTLINE, acting_user=request.user
            )
        except DomainError as e:
            form.add_error("file", e.message)
        else:
            if missing_columns(batch):
                return redirect("needs:import-map", pk=batch.pk)
            start_batch(batch)
            return redirect(batch)
    page = Paginator(batches, 20).get_page(request.GET.get("page"))
    return render(request, "needs/import_list.html", {"form": form, "page": page})


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
    form = MappingForm(request.POST or None, headers=table.headers, missing=missing)
    if request.method == "POST" and form.is_valid():
        mapping = {k: v for k, v in form.cleaned_data.items() if v}
        try:
            resolve_columns(table, mapping)
        except MissingColumns as e:
            form.add_error(None, e.message)
        else:
            ImportBatch.objects.filter(pk=batch.pk).update(mapping=mapping)
            batch.mapping = mapping
            start_batch(batch)
            return redirect(batch)
    return render(
        request, "needs/import_map.html", {"batch": batch, "form": form, "headers": table.headers}
    )


def import_detail(request, pk):
    batch = get_object_or_404(_batches(request), pk=pk)
    template = "needs/_import_status.html" if request.htmx else "needs/import_detail.html"
    return render(request, template, {"batch": batch, "rejects": batch.rejects[:200]})


@require_POST
def import_retry(request, pk):
    """重试: the uploader runs a failed import again (see services.retry_import)."""
    batch = get_object_or_404(_batches(request), pk=pk)
    try:
        batch = services.retry_import(batch, acting_user=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        if batch.status == ImportBatch.Status.PENDING and not batch.attempt:
            return redirect("needs:import-map", pk=batch.pk)
        messages.success(request, _("The import was started again."))
    return redirect(batch)


def import_rejects(request, pk):
    batch = get_object_or_404(_batches(request), pk=pk)
    body = rejects_csv(batch.rejects, batch.mapping.get("_headers", []))
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="rejects-{batch.pk}.csv"'
    return response
