"""Staff pages of stage 5: the public tickets (list, one ticket with its steps and the actions
of whoever may take them), the satisfaction figures, service windows with their QR codes, the
deadline per aspect."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.params import parse_id
from jiebang.core.permissions import can, require_perm
from jiebang.core.rules import unit_of
from jiebang.core.scoping import get_visible_or_404
from jiebang.needs.models import Category
from jiebang.orgs.models import Institution
from jiebang.projects.models import Project

from . import qr, queries, services
from .forms import DeadlineForm, PointForm, ReasonForm, ReplyForm, RouteForm
from .models import DEFAULT_WORKING_DAYS, AspectDeadline, ServicePoint, Ticket

VIEW = "supervision.view_tickets"
Status = Ticket.Status


def ticket_list(request):
    require_perm(request.user, VIEW)
    tickets = Ticket.objects.visible_to(request.user).select_related(
        "item__category", "unit", "project", "service_point"
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        tickets = tickets.filter(status=status)
    if request.GET.get("overdue"):
        tickets = tickets.overdue(timezone.localdate())
    source = request.GET.get("source", "")
    if source in Ticket.Source.values:
        tickets = tickets.filter(source=source)
    if aspect := parse_id(request.GET.get("aspect")):
        tickets = tickets.filter(item__category=aspect)
    if unit := parse_id(request.GET.get("unit")):
        tickets = tickets.filter(unit=unit)
    if query := request.GET.get("q", "").strip()[:100]:
        tickets = (
            tickets.filter(number=query.upper())
            if "-" in query
            else tickets.filter(item__text__icontains=query)
        )
    page = Paginator(tickets, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/ticket_list.html",
        {
            "page": page,
            "statuses": Status.choices,
            "sources": Ticket.Source.choices,
            "aspects": Category.objects.filter(is_active=True),
            "today": timezone.localdate(),
        },
    )


def _ticket(request, pk) -> Ticket:
    require_perm(request.user, VIEW)
    tickets = Ticket.objects.visible_to(request.user).select_related(
        "item__category", "unit", "project", "service_point", "region", "replied_by"
    )
    return get_object_or_404(tickets, pk=pk)


def _ticket_context(request, ticket, **forms) -> dict:
    user = request.user
    routable = ticket.status in (Status.ROUTING, Status.OPEN)
    return {
        "ticket": ticket,
        "events": ticket.events.select_related("actor"),
        "follow_ups": ticket.follow_ups.all(),
        "can_route": routable and can(user, "supervision.route_ticket", ticket),
        "can_answer": ticket.status == Status.OPEN
        and can(user, "supervision.answer_ticket", ticket),
        "can_check": ticket.status == Status.ANSWERED
        and can(user, "supervision.check_ticket", ticket),
        "can_dismiss": ticket.status in (Status.ROUTING, Status.OPEN)
        and can(user, "supervision.route_ticket", ticket),
        "can_restore": ticket.status == Status.DISMISSED
        and can(user, "supervision.route_ticket", ticket),
        "today": timezone.localdate(),
        "route_form": forms.get("route_form") or RouteForm(user=user),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        # One reason field per card, each with its own element ids.
        "send_back_form": ReasonForm(auto_id="send_back_%s"),
        "return_form": ReasonForm(auto_id="return_%s"),
        "dismiss_form": ReasonForm(auto_id="dismiss_%s"),
    }


def ticket_detail(request, pk):
    ticket = _ticket(request, pk)
    return render(request, "supervision/ticket_detail.html", _ticket_context(request, ticket))


def _form_action(request, pk, perm, form, form_name, perform, message):
    ticket = _ticket(request, pk)
    require_perm(request.user, perm, ticket)
    return submit(
        request,
        form,
        lambda **data: perform(ticket, **data),
        message=message,
        success=ticket,
        template="supervision/ticket_detail.html",
        context=lambda: _ticket_context(request, ticket, **{form_name: form}),
        form_name=form_name,
    )


@require_POST
def ticket_route(request, pk):
    return _form_action(
        request,
        pk,
        "supervision.route_ticket",
        RouteForm(request.POST, user=request.user),
        "route_form",
        lambda ticket, **data: services.route(ticket, acting_user=request.user, **data),
        _("The ticket was routed; the unit has it in its queue."),
    )


@require_POST
def ticket_answer(request, pk):
    return _form_action(
        request,
        pk,
        "supervision.answer_ticket",
        ReplyForm(request.POST),
        "reply_form",
        lambda ticket, reply: services.answer(ticket, acting_user=request.user, reply=reply),
        _("Your reply was sent for checking."),
    )


def _press(request, pk, perm, perform, message, with_reason=False):
    ticket = _ticket(request, pk)
    require_perm(request.user, perm, ticket)
    return press(
        request,
        lambda **data: perform(ticket, acting_user=request.user, **data),
        message=message,
        success=ticket,
        form=ReasonForm(request.POST) if with_reason else None,
    )


@require_POST
def ticket_send_back(request, pk):
    return _press(
        request,
        pk,
        "supervision.answer_ticket",
        services.send_back,
        _("The ticket went back to be routed."),
        with_reason=True,
    )


@require_POST
def ticket_accept(request, pk):
    return _press(
        request,
        pk,
        "supervision.check_ticket",
        services.accept,
        _("The reply was accepted; it is now public."),
    )


@require_POST
def ticket_return(request, pk):
    return _press(
        request,
        pk,
        "supervision.check_ticket",
        services.return_reply,
        _("The reply was returned to the unit."),
        with_reason=True,
    )


@require_POST
def ticket_dismiss(request, pk):
    return _press(
        request,
        pk,
        "supervision.route_ticket",
        services.dismiss,
        _("The ticket was dismissed."),
        with_reason=True,
    )


@require_POST
def ticket_restore(request, pk):
    return _press(
        request, pk, "supervision.route_ticket", services.restore, _("The ticket was restored.")
    )


def satisfaction(request):
    """The satisfaction trend per month, per unit and project, and the aspects ranked."""
    require_perm(request.user, VIEW)
    filters = queries.Filters(
        unit=parse_id(request.GET.get("unit")),
        project=parse_id(request.GET.get("project")),
        source=request.GET.get("source", "")
        if request.GET.get("source") in Ticket.Source.values
        else "",
    )
    tickets = filters.apply(Ticket.objects.visible_to(request.user).public())
    return render(
        request,
        "supervision/satisfaction.html",
        {
            "filters": filters,
            "totals": queries.totals(tickets),
            "trend": queries.trend(tickets),
            "unit_rows": [
                {**row, "label": row["unit__name"], "link": f"?unit={row['unit']}"}
                for row in queries.by_unit(tickets)
            ],
            "project_rows": [
                {
                    **row,
                    "label": f"{row['project__code']} {row['project__title']}",
                    "link": f"?project={row['project']}",
                }
                for row in queries.by_project(tickets)
            ],
            "aspect_rows": [
                {
                    **row,
                    "label": row["item__category__name"],
                    "link": reverse("supervision:ticket-list") + f"?aspect={row['item__category']}",
                }
                for row in queries.aspects(tickets)
            ],
            "sources": Ticket.Source.choices,
            "unit": Institution.objects.filter(pk=filters.unit).first() if filters.unit else None,
            "project": Project.objects.filter(pk=filters.project).first()
            if filters.project
            else None,
        },
    )


# Service windows and QR codes


def point_list(request):
    require_perm(request.user, "supervision.view_points")
    points = ServicePoint.objects.visible_to(request.user).select_related("institution")
    if query := request.GET.get("q", "").strip()[:100]:
        points = points.filter(name__icontains=query) | points.filter(
            institution__name__icontains=query
        )
    page = Paginator(points, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/point_list.html",
        {"page": page, "can_add": can(request.user, "supervision.add_point", _own(request))},
    )


def _own(request):
    """What a new window belongs to, for the permission question: a unit user's institution."""
    return Institution.objects.filter(pk=unit_of(request.user)).first()


def point_create(request):
    require_perm(request.user, "supervision.view_points")
    form = PointForm(
        request.POST or None, user=request.user, initial={"institution": _own(request)}
    )
    return submit(
        request,
        form,
        lambda **data: services.save_point(None, acting_user=request.user, **data),
        message=_("The window was added; print its QR code."),
        success=lambda point: point,
        template="supervision/point_form.html",
    )


def _point(request, pk) -> ServicePoint:
    require_perm(request.user, "supervision.view_points")
    return get_visible_or_404(ServicePoint, request.user, pk=pk)


def point_detail(request, pk):
    point = _point(request, pk)
    return render(
        request,
        "supervision/point_detail.html",
        {
            "point": point,
            "url": qr.absolute(qr.window_path(point)),
            "can_change": can(request.user, "supervision.change_point", point),
            "figures": queries.totals(point.tickets.public()),
        },
    )


def point_edit(request, pk):
    point = _point(request, pk)
    require_perm(request.user, "supervision.change_point", point)
    form = PointForm(
        request.POST or None,
        user=request.user,
        initial={
            "institution": point.institution,
            "name": point.name,
            "location": point.location,
            "is_active": point.is_active,
        },
    )
    return submit(
        request,
        form,
        lambda **data: services.save_point(point, acting_user=request.user, **data),
        message=_("The window was saved."),
        success=point,
        template="supervision/point_form.html",
        context={"point": point},
    )


def point_qr(request, pk):
    point = _point(request, pk)
    return HttpResponse(qr.png(qr.absolute(qr.window_path(point))), content_type="image/png")


def point_sheet(request, pk):
    point = _point(request, pk)
    return qr.sheet_response([qr.Sheet.for_window(point)], f"qr-{point.pk}.pdf")


def project_sheet(request, pk):
    """The printable QR sheet of a project (any staff who see the project)."""
    require_perm(request.user, "supervision.view_points")
    project = get_object_or_404(
        Project.objects.visible_to(request.user).filter(status__in=Project.PUBLIC_STATUSES), pk=pk
    )
    return qr.sheet_response([qr.Sheet.for_project(project)], f"qr-{project.code}.pdf")


# Deadlines per aspect


def deadline_list(request):
    require_perm(request.user, "supervision.manage_deadlines")
    days = dict(AspectDeadline.objects.values_list("category", "working_days"))
    rows = [
        (category, days.get(category.pk, DEFAULT_WORKING_DAYS), category.pk in days)
        for category in Category.objects.filter(is_active=True)
    ]
    return render(
        request,
        "supervision/deadline_list.html",
        {"rows": rows, "default": DEFAULT_WORKING_DAYS},
    )


@require_POST
def deadline_edit(request, pk):
    require_perm(request.user, "supervision.manage_deadlines")
    category = get_object_or_404(Category, pk=pk)
    return press(
        request,
        lambda working_days: services.set_deadline(
            category, acting_user=request.user, working_days=working_days
        ),
        message=_("The deadline of %(aspect)s was saved.") % {"aspect": category},
        success="supervision:deadline-list",
        form=DeadlineForm(request.POST),
    )
