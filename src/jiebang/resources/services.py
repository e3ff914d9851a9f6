"""Changes to the resource pool, and the expert suggestions for a project (专家匹配)."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Project

from .models import Advice, Attendance, Expert, OutreachEvent, ProjectExpert, tag_filter

# The weights of a suggestion, shown to the user with each reason.
POINTS_PER_CAPABILITY = 3
POINTS_FOR_DIMENSION = 2
POINTS_FOR_SAME_COUNTY = 1
LIMITED_FACTOR = 0.5

EXPERT_FIELDS = {
    "name",
    "user",
    "institution",
    "affiliation",
    "title",
    "specialties",
    "availability",
    "availability_note",
    "phone",
    "bio",
}


# 专家匹配


@dataclass
class Suggestion:
    expert: Expert
    score: float
    reasons: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)


def project_needs(project: Project) -> tuple[list[str], str]:
    """The capability tags a project asks for (in its order, without repeats) and the name of
    its reform dimension ("" if none)."""
    capabilities = list(dict.fromkeys(t.strip() for t in project.capabilities or [] if t.strip()))
    return capabilities, project.dimension.name if project.dimension_id else ""


def project_county(project: Project) -> Region | None:
    """The county the project is carried out in: its region's, else its implementing unit's."""
    region = project.region or (
        project.implementing_unit.region if project.implementing_unit_id else None
    )
    return region.county if region else None


def score_expert(
    expert: Expert, capabilities: list[str], dimension: str, county: Region | None
) -> Suggestion | None:
    """How well one expert fits a project, with the reasons; None if the expert knows none of
    what the project needs or is unavailable. Locality alone is no reason to suggest anyone."""
    if expert.availability == Expert.Availability.UNAVAILABLE:
        return None
    specialties = set(expert.specialties)
    matched = [tag for tag in capabilities if tag in specialties]
    dimension_matched = bool(dimension) and dimension in specialties and dimension not in matched
    if not matched and not dimension_matched:
        return None
    score = 0.0
    reasons = []
    for tag in matched:
        score += POINTS_PER_CAPABILITY
        reasons.append(
            _("Specialty “%(tag)s” is a capability the project needs (+%(points)d)")
            % {"tag": tag, "points": POINTS_PER_CAPABILITY}
        )
    if dimension_matched:
        score += POINTS_FOR_DIMENSION
        reasons.append(
            _("Works in the project's reform dimension “%(dimension)s” (+%(points)d)")
            % {"dimension": dimension, "points": POINTS_FOR_DIMENSION}
        )
    if county is not None and expert.institution.region.path.startswith(county.path):
        score += POINTS_FOR_SAME_COUNTY
        reasons.append(
            _("Based in %(county)s, where the project is carried out (+%(points)d)")
            % {"county": county.name, "points": POINTS_FOR_SAME_COUNTY}
        )
    if expert.availability == Expert.Availability.LIMITED:
        score *= LIMITED_FACTOR
        reasons.append(_("Limited availability (score × %(factor)s)") % {"factor": LIMITED_FACTOR})
    matched = matched + ([dimension] if dimension_matched else [])
    return Suggestion(expert=expert, score=round(score, 2), reasons=reasons, matched=matched)


def suggest_experts(project: Project, limit: int = 10) -> list[Suggestion]:
    """The experts who best fit the project, best first: 3 points per capability of the
    project among their specialties, 2 if they work in its reform dimension, 1 if their
    institution lies in the project's county; halved for limited availability; unavailable
    experts are left out. Ties go to the expert with more matches, then by name."""
    capabilities, dimension = project_needs(project)
    tags = capabilities + ([dimension] if dimension else [])
    if not tags:
        return []
    county = project_county(project)
    candidates = (
        Expert.objects.exclude(availability=Expert.Availability.UNAVAILABLE)
        .filter(reduce(or_, (tag_filter("specialties", tag) for tag in tags)))
        .select_related("institution__region")
    )
    suggestions = [
        s for e in candidates if (s := score_expert(e, capabilities, dimension, county)) is not None
    ]
    suggestions.sort(key=lambda s: (-s.score, -len(s.matched), s.expert.name, s.expert.pk))
    return suggestions[:limit]


@transaction.atomic
def assign_expert(project: Project, expert: Expert, *, acting_user) -> ProjectExpert:
    """City staff assign an expert to guide a project; the score and reasons of the match are
    kept with it. DomainError if the expert is unavailable or already assigned."""
    require_perm(acting_user, "resources.assign_expert", project)
    if expert.availability == Expert.Availability.UNAVAILABLE:
        raise DomainError(_("%(name)s is unavailable at present.") % {"name": expert.name})
    if ProjectExpert.objects.filter(project=project, expert=expert).exists():
        raise DomainError(
            _("%(name)s is already assigned to this project.") % {"name": expert.name}
        )
    capabilities, dimension = project_needs(project)
    suggestion = score_expert(expert, capabilities, dimension, project_county(project))
    assignment = ProjectExpert(
        project=project,
        expert=expert,
        score=suggestion.score if suggestion else 0,
        reasons="\n".join(suggestion.reasons) if suggestion else "",
        assigned_by=acting_user,
    )
    assignment._history_user = acting_user
    assignment.save()
    return assignment


@transaction.atomic
def unassign_expert(assignment: ProjectExpert, *, acting_user) -> None:
    """City staff take an expert off a project (the advice already given stays)."""
    require_perm(acting_user, "resources.assign_expert", assignment.project)
    assignment._history_user = acting_user
    assignment.delete()


# 专家智库


def clean_tags(tags) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in tags or [] if t and t.strip()))


def _check_expert_fields(fields: dict, expert: Expert | None = None) -> dict:
    unknown = set(fields) - EXPERT_FIELDS
    if unknown:
        raise ValueError(f"unknown expert fields: {sorted(unknown)}")
    if "specialties" in fields:
        fields["specialties"] = clean_tags(fields["specialties"])
    if "name" in fields and not (fields["name"] or "").strip():
        raise DomainError(_("An expert needs a name."))
    user = fields.get("user")
    if user is not None:
        if user.role != Role.EXPERT:
            raise DomainError(_("Only an account with the expert role can be linked."))
        taken = Expert.objects.filter(user=user).exclude(pk=expert.pk if expert else None)
        if taken.exists():
            raise DomainError(
                _("The account %(user)s is already linked to another expert.") % {"user": user}
            )
    return fields


@transaction.atomic
def create_expert(*, acting_user, **fields) -> Expert:
    """City staff add an expert to the think tank."""
    require_perm(acting_user, "resources.manage_experts")
    fields = _check_expert_fields(fields)
    expert = Expert(created_by=acting_user, **fields)
    expert._history_user = acting_user
    expert.save()
    return expert


@transaction.atomic
def update_expert(expert: Expert, *, acting_user, **fields) -> Expert:
    """City staff change an expert's record (availability, specialties, account …)."""
    require_perm(acting_user, "resources.manage_experts", expert)
    fields = _check_expert_fields(fields, expert)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    for name, value in fields.items():
        setattr(expert, name, value)
    expert._history_user = acting_user
    expert.save(update_fields=list(fields) or None)
    return expert


@transaction.atomic
def record_advice(
    *, acting_user, expert: Expert, project: Project, kind: str, content: str, date=None
) -> Advice:
    """An expert records advice they gave, or city staff record it for any expert. The project
    must be one the acting user can see; the date may not lie in the future."""
    require_perm(acting_user, "resources.record_advice", expert)
    if acting_user is not None and not Project.objects.visible_to(acting_user).contains(project):
        raise DomainError(_("You cannot record advice on this project."))
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise DomainError(_("Advice cannot be dated in the future."))
    if not (content or "").strip():
        raise DomainError(_("Describe the advice given."))
    if kind not in Advice.Kind.values:
        raise DomainError(_("Choose the kind of advice."))
    advice = Advice(
        expert=expert,
        project=project,
        date=date,
        kind=kind,
        content=content.strip(),
        recorded_by=acting_user,
    )
    advice._history_user = acting_user
    advice.save()
    return advice


# 兴聊号直通车


@dataclass(frozen=True)
class AttendanceRow:
    institution: Institution
    attendees: int
    village_doctors: int = 0


def _check_attendance(rows: list[AttendanceRow], acting_user) -> None:
    seen = set()
    allowed = Institution.objects.visible_to(acting_user) if acting_user else None
    for row in rows:
        name = row.institution.name
        if row.institution.pk in seen:
            raise DomainError(_("%(name)s is listed twice.") % {"name": name})
        seen.add(row.institution.pk)
        if row.village_doctors > row.attendees:
            raise DomainError(_("%(name)s: more village doctors than attendees.") % {"name": name})
        if allowed is not None and not allowed.filter(pk=row.institution.pk).exists():
            raise DomainError(
                _("%(name)s is outside the area you record events for.") % {"name": name}
            )


def _save_event(event, *, acting_user, experts, attendance) -> OutreachEvent:
    if event.free_clinic_count < 0:
        raise DomainError(_("The free-clinic count cannot be negative."))
    rows = list(attendance)
    _check_attendance(rows, acting_user)
    event._history_user = acting_user
    event.save()
    event.experts.set(experts)
    event.attendance.all().delete()
    try:
        Attendance.objects.bulk_create(
            Attendance(
                event=event,
                institution=r.institution,
                attendees=r.attendees,
                village_doctors=r.village_doctors,
            )
            for r in rows
        )
    except IntegrityError as e:  # guarded above; the constraints are the last line
        raise DomainError(_("The attendance rows are inconsistent.")) from e
    return event


EVENT_FIELDS = ("title", "date", "region", "place", "free_clinic_count", "notes")


@transaction.atomic
def create_event(*, acting_user, experts=(), attendance=(), **fields) -> OutreachEvent:
    """A county bureau records an event held in its county, city staff any event, with the
    experts who went and one attendance row per institution."""
    require_perm(acting_user, "resources.record_event", fields.get("region"))
    if set(fields) - set(EVENT_FIELDS):
        raise ValueError(f"unknown event fields: {sorted(set(fields) - set(EVENT_FIELDS))}")
    event = OutreachEvent(created_by=acting_user, **fields)
    return _save_event(event, acting_user=acting_user, experts=experts, attendance=attendance)


@transaction.atomic
def update_event(
    event: OutreachEvent, *, acting_user, experts=(), attendance=(), **fields
) -> OutreachEvent:
    """Change an event and replace its experts and attendance rows; the bureau may not move
    it out of its county."""
    require_perm(acting_user, "resources.record_event", event)
    require_perm(acting_user, "resources.record_event", fields.get("region", event.region))
    event = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise ValueError(f"unknown event field: {name}")
        setattr(event, name, value)
    return _save_event(event, acting_user=acting_user, experts=experts, attendance=attendance)


def event_totals(events) -> dict[str, int]:
    """Events, attendees, village doctors trained and free-clinic people of `events` (a
    queryset), counted by the database."""
    by_event = events.aggregate(events=Count("pk"), free_clinic=Sum("free_clinic_count"))
    by_row = Attendance.objects.filter(event__in=events.values("pk")).aggregate(
        attendees=Sum("attendees"), village_doctors=Sum("village_doctors")
    )
    return {key: value or 0 for key, value in {**by_event, **by_row}.items()}
