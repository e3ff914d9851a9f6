"""Stage 5's domain actions: a public submission becomes a ticket (受理) with a tracking number;
a ticket with a responsible unit is routed to it at once with a deadline in working days; the
unit answers, the county bureau (the task force for city-level units) accepts or returns the
reply; a citizen who left a phone is asked whether it is fixed and can reopen it; staff can
re-route a ticket filed under the wrong unit or aspect, keeping its history."""

import hashlib
import re
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.core.text import clean_text, redact
from jiebang.needs import services as needs
from jiebang.needs.models import Category, Channel

from .models import (
    DEFAULT_WORKING_DAYS,
    AspectDeadline,
    FollowUp,
    ServicePoint,
    Ticket,
    TicketEvent,
    new_number,
)
from .workdays import add_working_days

Status = Ticket.Status
Step = TicketEvent.Kind

MAX_TEXT = 2000  # characters of a public comment
DUPLICATE_HOURS = 24
CHANNEL_OF = {
    Ticket.Source.QR: Channel.QR,
    Ticket.Source.ONLINE: Channel.ONLINE,
    Ticket.Source.OPEN311: Channel.OPEN311,
}


class Duplicate(DomainError):
    """The same words about the same place arrived within DUPLICATE_HOURS."""

    def __init__(self, message, ticket):
        super().__init__(message)
        self.ticket = ticket


def working_days_for(category: Category | None) -> int:
    if category is None:
        return DEFAULT_WORKING_DAYS
    row = AspectDeadline.objects.filter(category=category).first()
    return row.working_days if row else DEFAULT_WORKING_DAYS


def deadline_for(category: Category | None, start=None):
    return add_working_days(start or timezone.localdate(), working_days_for(category))


def _fingerprint(text: str, target: str) -> str:
    words = re.sub(r"[\s\W_]+", "", text.lower())
    return hashlib.sha256(f"{target}|{words}".encode()).hexdigest()


def _step(ticket, kind, *, actor=None, note="", at=None):
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, note=note, at=at or timezone.now()
    )


def _county(region):
    return region.county if region is not None else None


def checking_region(unit, region=None):
    """The county whose bureau checks a ticket: the unit's, else the place named."""
    if unit is not None and unit.region_id:
        return _county(unit.region)
    return _county(region)


def _save(ticket, by, *fields):
    ticket._history_user = by
    ticket.save(update_fields=[*fields, "updated_at"] if fields else None)


def _route(ticket, unit, *, by=None, kind=Step.ROUTED, note=""):
    ticket.unit = unit
    ticket.region = checking_region(unit, ticket.region)
    ticket.deadline = deadline_for(ticket.category)
    ticket.return_reason = ""
    if ticket.status != Status.OPEN:
        ticket.move_to(Status.OPEN, by=by)
    _save(ticket, by, "unit", "region", "deadline", "return_reason", "status")
    _step(ticket, kind, actor=by, note=note or str(unit))


@transaction.atomic
def submit_public(
    *,
    source,
    text="",
    rating=None,
    project=None,
    service_point=None,
    institution=None,
    region=None,
    name="",
    phone="",
    device="",
    partner=None,
    category=None,
) -> Ticket:
    """A public submission, kept as a ticket with a tracking number. What the citizen wrote
    becomes a classified stage-1 feedback item (heatmap, 高频投诉, proposals); a ticket whose
    unit is known (the window's institution, the project's unit, the one named) goes to that
    unit at once with its rectification deadline, the others wait for the county bureau (or the
    city) to route them. A rating without words is recorded and closed: there is nothing to
    rectify. Duplicate when the same words about the same place arrived within a day. A
    `category` given by the sender (an Open311 service code) stands over the classifier's."""
    text = clean_text(text or "").strip()[:MAX_TEXT]
    if not text and rating is None:
        raise DomainError(_("Please give a rating or describe the problem."))
    if service_point is not None:
        institution = service_point.institution
    elif project is not None and institution is None:
        institution = project.implementing_unit
    target = f"w{service_point.pk}" if service_point else f"p{project.pk}" if project else "-"
    fingerprint = _fingerprint(text, target) if text else ""
    if fingerprint:
        since = timezone.now() - timedelta(hours=DUPLICATE_HOURS)
        earlier = Ticket.objects.filter(fingerprint=fingerprint, received_at__gte=since).first()
        if earlier is not None:
            raise Duplicate(
                _(
                    "The same opinion about the same place was received on %(time)s and is "
                    "being handled; there is no need to send it again."
                )
                % {"time": timezone.localtime(earlier.received_at).strftime("%Y-%m-%d %H:%M")},
                earlier,
            )
    item = None
    if text:
        item = needs.record_public_feedback(
            channel=CHANNEL_OF[source],
            text=text,
            institution=institution,
            region=region,
            name=name,
            phone=phone,
        )
        if category is not None and item.category_id != category.pk:
            item.category, item.confidence = category, 1.0
            item.save(update_fields=["category", "confidence"])
        institution = institution or item.institution
        region = region or item.region
    ticket = Ticket(
        source=source,
        item=item,
        rating=rating,
        project=project,
        service_point=service_point,
        region=checking_region(institution, region),
        received_at=item.received_at if item else timezone.now(),
        device=device[:32],
        fingerprint=fingerprint,
        partner=partner,
    )
    for _attempt in range(5):
        ticket.number = new_number(timezone.localdate())
        ticket.token = secrets.token_hex(16)
        try:
            with transaction.atomic():
                ticket.save()
            break
        except IntegrityError:  # a number (or token) already given: draw another
            ticket.pk = None
    else:
        raise DomainError(_("The submission could not be saved; please try again."))
    _step(ticket, Step.RECEIVED, at=ticket.received_at)
    if item is None:
        ticket.unit = institution
        ticket.status = Status.CLOSED
        ticket.closed_at = ticket.received_at
        ticket.save(update_fields=["unit", "status", "closed_at"])
        _step(ticket, Step.CLOSED, note=_("A rating without a comment: recorded."))
    elif institution is not None:
        _route(ticket, institution)
    return ticket


def _required(text, message) -> str:
    """The cleaned text; DomainError(message) when nothing is left."""
    text = clean_text(text or "").strip()
    if not text:
        raise DomainError(message)
    return text


def _locked(ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def route(ticket, *, acting_user, unit, category=None, note="") -> Ticket:
    """Send a ticket to the unit responsible (or, already at a unit, to another one: a
    re-route), optionally under another aspect; the deadline starts again for the new unit.
    Its history is kept: the steps, the category correction, the audit log."""
    require_perm(acting_user, "supervision.route_ticket", ticket)
    ticket = _locked(ticket)
    if ticket.status not in (Status.ROUTING, Status.OPEN):
        raise DomainError(_("Only a ticket waiting for routing or being rectified can be routed."))
    if category is not None and ticket.item_id and ticket.item.category_id != category.pk:
        needs.correct_category(ticket.item, category, acting_user=acting_user)
        ticket.item.refresh_from_db()
    rerouted = ticket.status == Status.OPEN
    if rerouted and unit.pk == ticket.unit_id and category is None:
        raise DomainError(_("The ticket is already with this unit."))
    _route(
        ticket,
        unit,
        by=acting_user,
        kind=Step.REROUTED if rerouted else Step.ROUTED,
        note=" · ".join(filter(None, [str(unit), note])),
    )
    return ticket


@transaction.atomic
def send_back(ticket, *, acting_user, reason) -> Ticket:
    """The unit says the ticket is not its business: it goes back to be routed."""
    require_perm(acting_user, "supervision.answer_ticket", ticket)
    ticket = _locked(ticket)
    ticket.move_to(Status.ROUTING, by=acting_user)
    ticket.unit = None
    ticket.deadline = None
    _save(ticket, acting_user, "status", "unit", "deadline")
    _step(ticket, Step.SENT_BACK, actor=acting_user, note=reason)
    return ticket


@transaction.atomic
def answer(ticket, *, acting_user, reply) -> Ticket:
    """The unit's reply: what it rectified. The county bureau checks it before it is public."""
    require_perm(acting_user, "supervision.answer_ticket", ticket)
    reply = _required(reply, _("Please write what was rectified."))
    ticket = _locked(ticket)
    ticket.move_to(Status.ANSWERED, by=acting_user)
    ticket.reply = reply
    ticket.replied_at = timezone.now()
    ticket.replied_by = acting_user
    _save(ticket, acting_user, "status", "reply", "replied_at", "replied_by")
    _step(ticket, Step.ANSWERED, actor=acting_user, note=reply)
    return ticket


@transaction.atomic
def accept(ticket, *, acting_user) -> Ticket:
    """The checker accepts the reply: the ticket closes, the reply is public, and a citizen
    who left a phone is asked whether it is fixed."""
    require_perm(acting_user, "supervision.check_ticket", ticket)
    ticket = _locked(ticket)
    ticket.move_to(Status.CLOSED, by=acting_user)
    ticket.closed_at = timezone.now()
    ticket.in_time = ticket.deadline is None or (
        timezone.localdate(ticket.replied_at) <= ticket.deadline
    )
    _save(ticket, acting_user, "status", "closed_at", "in_time")
    _step(ticket, Step.CLOSED, actor=acting_user)
    if ticket.phone:
        follow_up = FollowUp.objects.create(ticket=ticket)
        from .tasks import send_follow_up  # the job module imports this one

        transaction.on_commit(lambda: _enqueue(send_follow_up, follow_up.pk))
    return ticket


def _enqueue(task, *args):
    from jiebang.workbench.services import enqueue

    enqueue(task, *args)


@transaction.atomic
def return_reply(ticket, *, acting_user, reason) -> Ticket:
    """The reply does not rectify the problem: back to the unit, with the reason."""
    require_perm(acting_user, "supervision.check_ticket", ticket)
    reason = _required(reason, _("Please give the reason for returning the reply."))
    ticket = _locked(ticket)
    ticket.move_to(Status.OPEN, by=acting_user)
    ticket.return_reason = reason
    _save(ticket, acting_user, "status", "return_reason")
    _step(ticket, Step.RETURNED, actor=acting_user, note=reason)
    return ticket


@transaction.atomic
def dismiss(ticket, *, acting_user, reason) -> Ticket:
    """Spam, abuse or no matter at all: hidden from the public and the queues, kept."""
    require_perm(acting_user, "supervision.route_ticket", ticket)
    reason = _required(reason, _("Please give the reason for dismissing the ticket."))
    ticket = _locked(ticket)
    ticket.move_to(Status.DISMISSED, by=acting_user)
    ticket.deadline = None
    _save(ticket, acting_user, "status", "deadline")
    _step(ticket, Step.DISMISSED, actor=acting_user, note=reason)
    return ticket


@transaction.atomic
def restore(ticket, *, acting_user) -> Ticket:
    require_perm(acting_user, "supervision.route_ticket", ticket)
    ticket = _locked(ticket)
    ticket.move_to(Status.ROUTING, by=acting_user)
    ticket.unit = None
    _save(ticket, acting_user, "status", "unit")
    _step(ticket, Step.RESTORED, actor=acting_user)
    return ticket


@transaction.atomic
def citizen_says(ticket, *, fixed: bool, note="") -> Ticket:
    """The citizen's answer to “已整改了吗？” on the tracking page or from the follow-up: fixed
    is recorded; not fixed reopens the ticket at its unit with a new deadline."""
    ticket = _locked(ticket)
    if ticket.status != Status.CLOSED or not ticket.item_id:
        raise DomainError(_("Only a closed ticket can be confirmed or reopened."))
    note = clean_text(note or "").strip()[:MAX_TEXT]
    answer_value = FollowUp.Answer.FIXED if fixed else FollowUp.Answer.NOT_FIXED
    FollowUp.objects.filter(ticket=ticket, answer="").update(
        answer=answer_value, answered_at=timezone.now()
    )
    if fixed:
        _step(ticket, Step.CONFIRMED, note=note)
        return ticket
    ticket.move_to(Status.OPEN, by=None)
    ticket.reopened += 1
    ticket.in_time = None
    ticket.closed_at = None
    ticket.deadline = deadline_for(ticket.category)
    ticket.return_reason = note
    _save(ticket, None, "status", "reopened", "in_time", "closed_at", "deadline", "return_reason")
    _step(ticket, Step.REOPENED, note=note)
    return ticket


def confirmable(ticket) -> bool:
    """The citizen may still say whether it is fixed: closed, with a comment, not yet said."""
    return (
        ticket.status == Status.CLOSED
        and ticket.item_id is not None
        and not ticket.events.filter(kind=Step.CONFIRMED, at__gte=ticket.closed_at).exists()
    )


def phone_matches(ticket, digits: str) -> bool:
    """A ticket with a phone is confirmed or reopened only by who knows its last four digits."""
    phone = re.sub(r"\D", "", ticket.phone)
    return not phone or (len(digits or "") == 4 and phone.endswith(digits))


@transaction.atomic
def save_point(point, *, acting_user, **fields) -> ServicePoint:
    """Add (point None) or change a service window."""
    if point is None:
        point = ServicePoint()
        require_perm(acting_user, "supervision.add_point", fields.get("institution"))
    else:
        require_perm(acting_user, "supervision.change_point", point)
    for name, value in fields.items():
        setattr(point, name, value)
    point._history_user = acting_user
    point.save()
    return point


@transaction.atomic
def set_deadline(category, *, acting_user, working_days) -> AspectDeadline:
    require_perm(acting_user, "supervision.manage_deadlines")
    row, _created = AspectDeadline.objects.get_or_create(
        category=category, defaults={"working_days": working_days}
    )
    row.working_days = working_days
    row._history_user = acting_user
    row.save()
    return row


def record_follow_up(ticket) -> None:
    _step(ticket, Step.FOLLOW_UP)


def public_text(ticket) -> str:
    """What the citizen wrote, as the public may read it: phones, identity numbers and
    e-mail addresses masked."""
    return redact(ticket.text)
