"""The workbench: my queue (待办) and what I handled (已办), my notifications and how I get
them, and, for the city admin, the outbound messages."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core import history
from jiebang.core.actions import press, submit
from jiebang.core.params import parse_page
from jiebang.core.permissions import require_perm
from jiebang.orgs.models import Institution
from jiebang.projects.models import Project

from . import queue as work
from . import services
from .forms import PreferencesForm, QueueFilterForm
from .models import Delivery, Notification
from .registry import KINDS

PAGE_SIZE = 50


def _rows_with_names(rows) -> list[dict]:
    """The page's rows with their link, kind, project and unit (two queries for the page),
    and the records the kinds' detail templates show (one query per kind on the page)."""
    rows = list(rows)
    projects = Project.objects.in_bulk({r["w_project"] for r in rows if r["w_project"]})
    units = Institution.objects.in_bulk({r["w_unit"] for r in rows if r["w_unit"]})
    records = {}
    for key in {r["w_kind"] for r in rows}:
        if KINDS[key].records:
            pks = [r["w_pk"] for r in rows if r["w_kind"] == key]
            records[key] = KINDS[key].records(pks)
    for row in rows:
        row["record"] = records.get(row["w_kind"], {}).get(row["w_pk"])
        row["kind"] = KINDS[row["w_kind"]]
        row["url"] = work.link(row)
        row["project"] = projects.get(row["w_project"])
        row["unit"] = units.get(row["w_unit"])
        row["due"] = None if row["w_due"] == work.NO_DUE else row["w_due"]
    return rows


HOME_ROWS = 8


def summary(user) -> dict:
    """The home page's part: counts per kind, most urgent first, and the most urgent rows."""
    rows = work.queue(user)
    counts = work.counts(user)
    return {
        "work_counts": counts,
        "work_total": sum(c.total for c in counts),  # the badge, without counting again
        "work_rows": _rows_with_names(rows[:HOME_ROWS]) if rows is not None else [],
        **_dates(),
    }


def _dates() -> dict:
    today = timezone.localdate()
    return {"today": today, "soon": today + timedelta(days=work.SOON_DAYS)}


def queue(request):
    """我的待办: every kind of work waiting for this user, filtered, sorted and paged; a kind
    with a batch action (confirming progress updates) gets checkboxes."""
    require_perm(request.user, "workbench.view_queue")
    form = QueueFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    # One count per kind serves the kind buttons (within the other filters), the page count
    # and the badge, instead of counting the whole union again for each.
    facets = work.counts(request.user, form.filters(with_kind=False))
    chosen = [c for c in facets if not filters.kinds or c.kind.key in filters.kinds]
    rows = work.queue(request.user, filters, form.ordering())
    paginator = Paginator([] if rows is None else rows, PAGE_SIZE)  # (bool() would fetch all)
    paginator.count = sum(c.total for c in chosen)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _rows_with_names(page.object_list)
    batch_kinds = {row["kind"].key for row in page.object_list if row["kind"].batch}
    context = {
        "form": form,
        "page": page,
        "counts": facets,
        "batch": KINDS[batch_kinds.pop()] if len(batch_kinds) == 1 else None,
        "tab": "todo",
        **_dates(),
    }
    if not (filters.county or filters.unit or filters.project or filters.due):
        context["work_total"] = sum(c.total for c in facets)  # the badge, already counted
    return render(request, "workbench/queue.html", context)


def done(request):
    """已办: what I handled, newest first, with the outcome (the change I made)."""
    require_perm(request.user, "workbench.view_queue")
    number = parse_page(request.GET.get("page"), history.MAX_PAGE)
    rows, has_next = history.search(
        models=history.audited_models(),
        user=request.user,
        offset=(number - 1) * history.PAGE_SIZE,
        limit=history.PAGE_SIZE,
    )
    has_next = has_next and number < history.MAX_PAGE
    context = {"rows": rows, "number": number, "has_next": has_next, "tab": "done"}
    return render(request, "workbench/done.html", context)


def notifications(request):
    require_perm(request.user, "workbench.view_queue")
    mine = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    shown = mine.unread() if unread_only else mine
    context = {
        "page": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")),
        "unread_only": unread_only,
        "unread": mine.unread().count(),
    }
    return render(request, "workbench/notifications.html", context)


@require_POST
def notification_open(request, pk):
    """Mark the notification read and go to its record."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, [notification.pk])
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "workbench:notifications"
    return redirect(url)


@require_POST
def notifications_read(request):
    """Mark all my notifications read."""
    require_perm(request.user, "workbench.view_queue")
    return press(
        request,
        lambda: services.mark_read(request.user),
        message=lambda n: _("%(n)s notifications marked read.") % {"n": n},
        success="workbench:notifications",
    )


def preferences(request):
    require_perm(request.user, "workbench.view_queue")
    modes = services.modes_of(request.user)
    return submit(
        request,
        PreferencesForm(request.POST or None, modes=modes),
        lambda **chosen: services.set_preferences(request.user, chosen),
        message=_("Your notification settings are saved."),
        success="workbench:preferences",
        template="workbench/preferences.html",
    )


def deliveries(request):
    """The city admin's view of outbound messages: failures first, with their reason."""
    require_perm(request.user, "workbench.view_deliveries")
    status = request.GET.get("status", "failed")
    if status not in Delivery.Status.values:
        status = "failed"
    rows = Delivery.objects.filter(status=status).select_related("notification__user")
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": Delivery.Status.choices,
    }
    return render(request, "workbench/deliveries.html", context)


@require_POST
def delivery_retry(request, pk):
    require_perm(request.user, "workbench.view_deliveries")
    delivery = get_object_or_404(Delivery, pk=pk)
    return press(
        request,
        lambda: services.retry(delivery, acting_user=request.user),
        message=_("The message is queued again."),
        success="workbench:deliveries",
    )
