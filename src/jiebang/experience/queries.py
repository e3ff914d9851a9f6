"""The figures of experience supervision, counted by the database from the records: events,
invitees, suggestions and how many were adopted, overall, per event and by invitee category;
and who must decide which suggestions (the queue)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from jiebang.core.roles import Role
from jiebang.core.text import redact
from jiebang.projects.models import Project

from .models import Event, Invitee, Suggestion

ADOPTED = Q(status=Suggestion.Status.ADOPTED)
DECLINED = Q(status=Suggestion.Status.NOT_ADOPTED)
AWAITING = Q(status__in=Suggestion.AWAITING)


def rate(adopted: int, total: int) -> float | None:
    """Adopted per suggestion made, in per cent (one decimal); None without suggestions."""
    return round(100 * adopted / total, 1) if total else None


@dataclass
class Figures:
    events: int
    held: int
    invitees: int
    suggestions: int
    adopted: int
    declined: int
    awaiting: int

    @property
    def rate(self) -> float | None:
        return rate(self.adopted, self.suggestions)


def _suggestion_counts(suggestions) -> dict:
    return suggestions.aggregate(
        suggestions=Count("pk"),
        adopted=Count("pk", filter=ADOPTED),
        declined=Count("pk", filter=DECLINED),
        awaiting=Count("pk", filter=AWAITING),
    )


def figures(events) -> Figures:
    """The totals of `events` (a queryset, already scoped and filtered). Three queries."""
    counts = events.aggregate(events=Count("pk"), held=Count("pk", filter=Q(status="held")))
    invitees = Invitee.objects.filter(event__in=events.values("pk")).count()
    suggestions = _suggestion_counts(Suggestion.objects.filter(event__in=events.values("pk")))
    return Figures(invitees=invitees, **counts, **suggestions)


@dataclass
class CategoryRow:
    category: str
    label: str
    invitees: int
    suggestions: int
    adopted: int

    @property
    def rate(self) -> float | None:
        return rate(self.adopted, self.suggestions)


def by_category(events) -> list[CategoryRow]:
    """Per invitee category (两代表一委员, patients, others): invitees, their suggestions and
    how many were adopted. Every category is listed, also with nothing. Two queries."""
    ids = events.values("pk")
    people = dict(
        Invitee.objects.filter(event__in=ids)
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    said = {
        row["invitee__category"]: row
        for row in Suggestion.objects.filter(event__in=ids)
        .values("invitee__category")
        .annotate(total=Count("pk"), adopted=Count("pk", filter=ADOPTED))
        .order_by()
    }
    return [
        CategoryRow(
            category=value,
            label=str(label),
            invitees=people.get(value, 0),
            suggestions=said.get(value, {}).get("total", 0),
            adopted=said.get(value, {}).get("adopted", 0),
        )
        for value, label in Invitee.Category.choices
    ]


def with_counts(events):
    """`events` with their invitees, suggestions, adopted and awaiting counted (subqueries per
    relation, so the two joins do not multiply each other)."""
    return events.annotate(
        invitee_count=Count("invitees", distinct=True),
        suggestion_count=Count("suggestions", distinct=True),
        adopted_count=Count("suggestions", filter=Q(suggestions__status="adopted"), distinct=True),
        awaiting_count=Count(
            "suggestions", filter=Q(suggestions__status__in=Suggestion.AWAITING), distinct=True
        ),
    )


def invitees_by_category(event: Event) -> list[tuple[str, int]]:
    """How many invitees of each category an event had (labels and counts, no names): the
    public page's only word on who came."""
    counts = dict(event.invitees.values_list("category").annotate(n=Count("pk")).order_by())
    return [
        (str(label), counts[value])
        for value, label in Invitee.Category.choices
        if counts.get(value)
    ]


def awaiting_decision(user):
    """The suggestions waiting for `user`'s decision (the queue): every one for the task
    force, those of its county's events for a county bureau; nobody else's queue holds them
    (the city admin may decide too, from the event's page)."""
    if not getattr(user, "is_authenticated", False):
        return Suggestion.objects.none()
    if user.role == Role.TASK_FORCE:
        suggestions = Suggestion.objects.all()
    elif user.role == Role.COUNTY_BUREAU:
        suggestions = Suggestion.objects.visible_to(user)
    else:
        return Suggestion.objects.none()
    return suggestions.awaiting_decision()


def public_events():
    """The events the public sees: the held ones."""
    return Event.objects.filter(status=Event.Status.HELD)


def public_text(text: str) -> str:
    """Staff-written or invitees' words as the public reads them: phones, identity numbers and
    e-mail addresses masked (core.text.redact)."""
    return redact(text or "")


@dataclass
class PublicSuggestion:
    text: str
    status: str
    status_label: str
    project: str  # the title of the project it became, if that project is public
    project_in_preparation: bool  # adopted into a draft project, not yet published
    measure: str
    reason: str  # why it was not adopted


def public_suggestions(event: Event) -> list[PublicSuggestion]:
    """An event's suggestions for the public: the words redacted, the status, and what an
    adopted one became — a project by its title once published (before, only that one is in
    preparation), the measure —, or why it was not adopted. Nothing about who said it."""
    rows = []
    for s in event.suggestions.select_related("project").order_by("pk"):
        project = s.project
        public = project is not None and project.status in Project.PUBLIC_STATUSES
        rows.append(
            PublicSuggestion(
                text=public_text(s.text),
                status=s.status,
                status_label=s.get_status_display(),
                project=project.title if public else "",
                project_in_preparation=project is not None
                and project.status == Project.Status.DRAFT,
                measure=public_text(s.measure),
                reason=public_text(s.decision_note) if s.status == "not_adopted" else "",
            )
        )
    return rows
