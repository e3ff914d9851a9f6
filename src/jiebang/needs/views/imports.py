import logging
import threading

from django.conf import settings
from django.core.paginator import Paginator
from django.db import close_old_connections
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm

from .. import services
from ..clustering import cluster_items
from ..forms import MappingForm, UploadForm
from ..importing import (
    MissingColumns,
    missing_columns,
    read_table,
    rejects_csv,
    resolve_columns,
    run_batch,
)
from ..models import Channel, FeedbackItem, ImportBatch

logger = logging.getLogger(__name__)


def _batches(request):
    require_perm(request.user, "needs.import_feedback")
    batches = ImportBatch.objects.all()
    if not request.user.has_perm("core.view_audit"):
        batches = batches.filter(created_by=request.user)
    return batches


def _import_and_cluster(batch):
    run_batch(batch)
    cluster_items(FeedbackItem.objects.filter(batch=batch))


def _in_background(batch):
    try:
        _import_and_cluster(batch)
    except Exception:  # run_batch records its own failures; this is the grouping's
        logger.exception("Grouping the repeats of import batch %s failed", batch.pk)
    finally:
        close_old_connections()  # this thread's own connection


def _run(batch):
    if settings.NEEDS_IMPORT_IN_BACKGROUND:
        threading.Thread(target=_in_background, args=[batch], daemon=True).start()
    else:
        _import_and_cluster(batch)


def import_list(request):
    batches = _batches(request)
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
            _run(batch)
            return redirect(batch)
    page = Paginator(batches, 20).get_page(request.GET.get("page"))
    return render(request, "needs/import_list.html", {"form": form, "page": page})


def import_map(request, pk):
    batch = get_object_or_404(_batches(request), pk=pk, status=ImportBatch.Status.PENDING)
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
            _run(batch)
            return redirect(batch)
    return render(
        request, "needs/import_map.html", {"batch": batch, "form": form, "headers": table.headers}
    )


def import_detail(request, pk):
    batch = get_object_or_404(_batches(request), pk=pk)
    template = "needs/_import_status.html" if request.htmx else "needs/import_detail.html"
    return render(request, template, {"batch": batch, "rejects": batch.rejects[:200]})


def import_rejects(request, pk):
    batch = get_object_or_404(_batches(request), pk=pk)
    body = rejects_csv(batch.rejects, batch.mapping.get("_headers", []))
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="rejects-{batch.pk}.csv"'
    return response
