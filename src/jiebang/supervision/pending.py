"""Stage 5's kinds of pending work and its notices, for the workbench: public tickets to route
(county bureau; the city for those without a county), to answer (the unit, by the
rectification deadline), to check (the county bureau; the task force for city-level units),
and overdue rectifications, which escalate to the county bureau and the task force as overdue
tasks do."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiebang.core.roles import Role
from jiebang.core.rules import unit_of
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Region, User
from jiebang.workbench.models import Topic
from jiebang.workbench.registry import Event, Kind, register, register_event

from .models import Ticket

Status = Ticket.Status
TICKET = {
    "link": "supervision:ticket-detail",
    "title": "item__text",
    "project": "project",
    "unit": "unit",
    "region": "region",
}


def _uncovered_counties():
    """Counties with no active county-bureau user: the city looks after their tickets."""
    covered = User.objects.with_role(Role.COUNTY_BUREAU).values("region")
    return Region.objects.filter(kind__in=Region.COUNTY_LEVEL).exclude(pk__in=covered)


def _checked_here(user, status):
    """Tickets in `status` that this user's office looks after: a county bureau those of its
    county; the task force (and, for routing, the city admin) those of no county, city-level
    units, or a county with nobody at its bureau on the platform."""
    scope = user_scope(user)
    tickets = Ticket.objects.filter(status=status)
    if user.role == Role.COUNTY_BUREAU and scope.region_path:
        return tickets.filter(region__path__startswith=scope.region_path)
    if user.role == Role.TASK_FORCE or (user.role == Role.CITY_ADMIN and status == Status.ROUTING):
        return tickets.filter(Q(region=None) | Q(region__in=_uncovered_counties()))
    return Ticket.objects.none()


def _checkers(ticket):
    bureaus = User.objects.bureaus_over(ticket.region) if ticket.region_id else None
    return (
        bureaus
        if bureaus is not None and bureaus.exists()
        else User.objects.with_role(Role.TASK_FORCE)
    )


def _routers(ticket):
    bureaus = User.objects.bureaus_over(ticket.region) if ticket.region_id else None
    return (
        bureaus
        if bureaus is not None and bureaus.exists()
        else User.objects.with_role(Role.TASK_FORCE, Role.CITY_ADMIN)
    )


def _overdue_in_scope(user):
    today = timezone.localdate()
    scope = user_scope(user)
    if user.role == Role.TASK_FORCE:
        return Ticket.objects.overdue(today)
    if user.role == Role.COUNTY_BUREAU and scope.region_path:
        return Ticket.objects.overdue(today).filter(region__path__startswith=scope.region_path)
    return Ticket.objects.none()


register(
    Kind(
        key="supervision.answer_ticket",
        label=_("Public feedback to rectify and answer"),
        pending=lambda user: (
            Ticket.objects.filter(status=Status.OPEN, unit=unit_of(user))
            if user.role == Role.UNIT and unit_of(user)
            else Ticket.objects.none()
        ),
        due="deadline",
        order=11,
        assignees=lambda ticket: User.objects.of_unit(ticket.unit_id),
        announce_when=lambda ticket: ticket.status == Status.OPEN and ticket.unit_id is not None,
        # A re-route, a returned reply or a reopening is new work again.
        round=lambda ticket: f"{ticket.unit_id}.{ticket.reopened}.{ticket.return_reason}",
        **TICKET,
    ),
    model=Ticket,
)
register(
    Kind(
        key="supervision.route_ticket",
        label=_("Public feedback to route to a unit"),
        pending=lambda user: _checked_here(user, Status.ROUTING),
        order=21,
        assignees=_routers,
        announce_when=lambda ticket: ticket.status == Status.ROUTING,
        round=lambda ticket: ticket.events.count(),
        **TICKET,
    ),
    model=Ticket,
)
register(
    Kind(
        key="supervision.check_ticket",
        label=_("Replies to public feedback to check"),
        pending=lambda user: _checked_here(user, Status.ANSWERED),
        order=31,
        assignees=_checkers,
        announce_when=lambda ticket: ticket.status == Status.ANSWERED,
        round=lambda ticket: ticket.replied_at and ticket.replied_at.isoformat(),
        **TICKET,
    ),
    model=Ticket,
)
register(
    Kind(
        key="supervision.overdue_ticket",
        label=_("Overdue rectifications of public feedback"),
        pending=_overdue_in_scope,
        due="deadline",
        order=9,
        **TICKET,
    ),
    model=Ticket,
)
register_event(
    Event(
        key="supervision.reply_returned",
        topic=Topic.RETURNED,
        model=Ticket,
        when=lambda ticket: ticket.status == Status.OPEN and bool(ticket.return_reason),
        recipients=lambda ticket: User.objects.of_unit(ticket.unit_id),
        title=lambda ticket: (
            _("Returned or reopened: public feedback %(number)s — %(reason)s")
            % {"number": ticket.number, "reason": ticket.return_reason}
        ),
        url=lambda ticket: reverse("supervision:ticket-detail", args=[ticket.pk]),
        occurrence=lambda ticket: f"{ticket.reopened}.{ticket.return_reason}",
    )
)
