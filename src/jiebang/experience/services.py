"""Every change a user can make in experience supervision (F5.3): events, their invitees, the
visit record, suggestions (each also a stage-1 feedback item) and the decision on each."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.core.text import clean_text
from jiebang.needs import services as needs_services
from jiebang.orgs.models import Institution
from jiebang.projects.models import Project

from .models import Event, Invitee, Method, Suggestion

EVENT_FIELDS = ("kind", "title", "date", "host", "region", "place", "description", "methods")


def _text(value) -> str:
    return clean_text(value or "").strip()


def _check_event(event: Event, acting_user) -> None:
    """The rules every saved event keeps, whoever saves it."""
    if not _text(event.title):
        raise DomainError(_("An event needs a title."))
    if event.kind not in Event.Kind.values:
        raise DomainError(_("Choose the kind of event."))
    if event.date is None:
        raise DomainError(_("Give the date of the event."))
    check_date_range(event.date)
    if event.status == Event.Status.HELD and event.date > timezone.localdate():
        raise DomainError(_("A held event cannot be dated in the future."))
    unknown = set(event.methods or []) - set(Method.values)
    if unknown:
        raise DomainError(_("Choose the ways of taking part from the list."))
    if event.region_id is None and event.host_id is not None:
        event.region = event.host.region
    if event.region_id is None:
        raise DomainError(_("Give the host institution or the region of the event."))
    visible = Institution.objects.visible_to(acting_user) if acting_user is not None else None
    if visible is not None and event.host_id and not visible.filter(pk=event.host_id).exists():
        raise DomainError(
            _("%(name)s is outside the area you record events for.") % {"name": event.host.name}
        )
    require_perm(acting_user, "experience.manage_event", event.region)


def _save(obj, acting_user, update_fields=None):
    obj._history_user = acting_user
    obj.save(update_fields=update_fields)
    return obj


@transaction.atomic
def create_event(*, acting_user, **fields) -> Event:
    """City staff plan an event anywhere, a county bureau one in its county (the host, if
    given, must be an institution it sees). Without a region the host's is taken."""
    require_perm(acting_user, "experience.manage_event", fields.get("region"))
    if set(fields) - set(EVENT_FIELDS):
        raise ValueError(f"unknown event fields: {sorted(set(fields) - set(EVENT_FIELDS))}")
    fields["methods"] = list(dict.fromkeys(fields.get("methods") or []))
    event = Event(created_by=acting_user, **fields)
    _check_event(event, acting_user)
    return _save(event, acting_user)


@transaction.atomic
def update_event(event: Event, *, acting_user, **fields) -> Event:
    """Change an event's details (not its status: recording the visit holds it). A county
    bureau may not move it out of its county."""
    require_perm(acting_user, "experience.manage_event", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise ValueError(f"unknown event field: {name}")
        setattr(event, name, value)
    if "methods" in fields:
        event.methods = list(dict.fromkeys(event.methods or []))
    _check_event(event, acting_user)
    return _save(event, acting_user, update_fields=[*fields, "region"])


@transaction.atomic
def add_invitee(event: Event, *, acting_user, name, category, affiliation="", phone="") -> Invitee:
    """Invite someone (两代表一委员, a patient …) to an event."""
    require_perm(acting_user, "experience.manage_event", event)
    name = _text(name)
    if not name:
        raise DomainError(_("An invitee needs a name."))
    if category not in Invitee.Category.values:
        raise DomainError(_("Choose the invitee's category."))
    invitee = Invitee(
        event=event,
        name=name,
        category=category,
        affiliation=_text(affiliation),
        phone=_text(phone),
        created_by=acting_user,
    )
    return _save(invitee, acting_user)


@transaction.atomic
def remove_invitee(invitee: Invitee, *, acting_user) -> None:
    """Take an invitee off the list; one whose suggestions are recorded stays."""
    require_perm(acting_user, "experience.manage_event", invitee.event)
    if invitee.suggestions.exists():
        raise DomainError(
            _("%(name)s made suggestions, so stays on the list.") % {"name": invitee.name}
        )
    invitee._history_user = acting_user
    invitee.delete()


@transaction.atomic
def record_visit(event: Event, *, acting_user, visit_record, methods=None) -> Event:
    """Write the visit record (走访记录): a planned event becomes held; a held one's record is
    amended. Not before the event's date."""
    require_perm(acting_user, "experience.manage_event", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    visit_record = _text(visit_record)
    if not visit_record:
        raise DomainError(_("Describe what the invitees saw and said."))
    if event.date > timezone.localdate():
        raise DomainError(_("The visit can be recorded on or after the event's date."))
    fields = ["visit_record", "visit_recorded_by", "visit_recorded_at"]
    if event.status == Event.Status.PLANNED:
        event.move_to(Event.Status.HELD, by=acting_user)
        fields.append("status")
    if methods is not None:
        event.methods = list(dict.fromkeys(methods))
        if set(event.methods) - set(Method.values):
            raise DomainError(_("Choose the ways of taking part from the list."))
        fields.append("methods")
    event.visit_record = visit_record
    event.visit_recorded_by = acting_user
    event.visit_recorded_at = timezone.now()
    return _save(event, acting_user, update_fields=fields)


def _received_at(event: Event):
    """When the suggestion was made: the event's day (noon, Asia/Shanghai), not later than
    now."""
    noon = timezone.make_aware(datetime.combine(event.date, time(12, 0)))
    return min(noon, timezone.now())


@transaction.atomic
def add_suggestion(event: Event, *, acting_user, invitee: Invitee, text) -> Suggestion:
    """Record what an invitee of a held event suggested. The words also become a stage-1
    feedback item of the officer channel (classified, placed in the event's county and at its
    host), so the next round's heatmap and proposals start from them."""
    require_perm(acting_user, "experience.manage_event", event)
    if event.status != Event.Status.HELD:
        raise DomainError(_("Record the visit first: suggestions come from a held event."))
    if invitee.event_id != event.pk:
        raise DomainError(_("The invitee was not invited to this event."))
    text = _text(text)
    if not text:
        raise DomainError(_("Write down the suggestion."))
    item = needs_services.record_officer_suggestion(
        acting_user=acting_user,
        text=text,
        institution=event.host,
        region=event.region.county,
        received_at=_received_at(event),
    )
    suggestion = Suggestion(
        event=event, invitee=invitee, text=text, feedback_item=item, created_by=acting_user
    )
    return _save(suggestion, acting_user)


@transaction.atomic
def study_suggestion(suggestion: Suggestion, *, acting_user) -> Suggestion:
    """Take a received suggestion under study (研究中)."""
    require_perm(acting_user, "experience.decide_suggestion", suggestion)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    suggestion.move_to(Suggestion.Status.STUDYING, by=acting_user)
    return _save(suggestion, acting_user, update_fields=["status"])


@transaction.atomic
def decide_suggestion(
    suggestion: Suggestion, *, acting_user, adopted: bool, note="", project=None, measure=""
) -> Suggestion:
    """Adopt a suggestion — into a project the user sees and/or a measure, at least one —, or
    decline it with the reason. DomainError if it is decided already."""
    require_perm(acting_user, "experience.decide_suggestion", suggestion)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    note, measure = _text(note), _text(measure)
    if adopted:
        if project is None and not measure:
            raise DomainError(
                _("Say what the suggestion became: choose a project or describe the measure.")
            )
        if project is not None and (
            project.status == Project.Status.WITHDRAWN
            or (
                acting_user is not None
                and not Project.objects.visible_to(acting_user).filter(pk=project.pk).exists()
            )
        ):
            raise DomainError(_("Choose a project you work with that is not withdrawn."))
        status = Suggestion.Status.ADOPTED
    else:
        if not note:
            raise DomainError(_("Give the reason the suggestion is not adopted."))
        project, measure = None, ""
        status = Suggestion.Status.NOT_ADOPTED
    suggestion.move_to(status, by=acting_user)
    suggestion.project = project
    suggestion.measure = measure
    suggestion.decision_note = note
    suggestion.decided_by = acting_user
    suggestion.decided_at = timezone.now()
    fields = ["status", "project", "measure", "decision_note", "decided_by", "decided_at"]
    return _save(suggestion, acting_user, update_fields=fields)
