"""Changes to the assessment: the city admin keeps the point rules and records recognitions
(the evaluation stage records its 十佳 through record_recognition too)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.projects.models import Project

from .models import PointRule, Recognition

RULE_FIELDS = {"name", "kind", "points", "is_active", "note"}

# The rules the demo starts with (and a new installation can start from).
DEFAULT_RULES = [
    ("点单揭榜", PointRule.Kind.CLAIM_APPROVED, 10),
    ("派单承接", PointRule.Kind.PROJECT_ASSIGNED, 6),
    ("按期完成", PointRule.Kind.COMPLETED_ON_TIME, 20),
    ("逾期完成", PointRule.Kind.COMPLETED_LATE, -10),
    ("十佳项目", PointRule.Kind.TOP_TEN, 30),
    ("省级典型案例", PointRule.Kind.PROVINCIAL_CASE, 20),
    ("国家级推广", PointRule.Kind.NATIONAL_RECOGNITION, 40),
    ("逾期任务", PointRule.Kind.OVERDUE_TASK, -2),
]

# A project earns recognitions once a unit carries it.
RECOGNISABLE_STATUSES = (
    Project.Status.CLAIMED,
    Project.Status.ASSIGNED,
    Project.Status.CONTRACTED,
    Project.Status.IN_PROGRESS,
    Project.Status.COMPLETED,
    Project.Status.EVALUATED,
)


def _check_rule(fields: dict, rule: PointRule | None = None) -> None:
    unknown = set(fields) - RULE_FIELDS
    if unknown:
        raise ValueError(f"unknown rule fields: {sorted(unknown)}")
    if "name" in fields and not str(fields["name"]).strip():
        raise DomainError(_("A rule needs a name."))
    kind = fields.get("kind", rule.kind if rule else None)
    active = fields.get("is_active", rule.is_active if rule else True)
    if active:
        others = PointRule.objects.filter(kind=kind, is_active=True)
        if rule is not None:
            others = others.exclude(pk=rule.pk)
        other = others.first()
        if other is not None:
            raise DomainError(
                _("The rule “%(name)s” already counts these records; deactivate it first.")
                % {"name": other.name}
            )
    name = fields.get("name")
    if name and PointRule.objects.filter(name=name).exclude(pk=rule.pk if rule else None).exists():
        raise DomainError(_("A rule with this name exists already."))


@transaction.atomic
def create_rule(*, acting_user, name: str, kind: str, points: int, **fields) -> PointRule:
    """The city admin adds a point rule. DomainError when another active rule counts the same
    records or the name is taken; PermissionDenied for anyone else."""
    require_perm(acting_user, "assessment.manage_rules")
    fields = {"name": name.strip(), "kind": kind, "points": points, **fields}
    _check_rule(fields)
    rule = PointRule(**fields)
    rule._history_user = acting_user
    rule.save()
    return rule


@transaction.atomic
def update_rule(rule: PointRule, *, acting_user, **fields) -> PointRule:
    """The city admin changes a rule; every unit's points follow at once (nothing is stored).
    DomainError as for create_rule."""
    require_perm(acting_user, "assessment.manage_rules", rule)
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    _check_rule(fields, rule)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule._history_user = acting_user
    rule.save(update_fields=[*fields, "updated_at"])
    return rule


def ensure_default_rules() -> list[PointRule]:
    """The default rules, created when no rule of their kind exists; the admin's changes stay."""
    rules = []
    for name, kind, points in DEFAULT_RULES:
        rule = PointRule.objects.filter(kind=kind).order_by("-is_active", "pk").first()
        if rule is None:
            rule = PointRule.objects.create(name=name, kind=kind, points=points)
        rules.append(rule)
    return rules


@transaction.atomic
def record_recognition(
    project: Project, *, kind: str, year: int, acting_user, note: str = ""
) -> Recognition:
    """Record that a project was recognised in a year (十佳, provincial typical case, national
    recognition); its implementing unit earns the matching rule's points.

    PermissionDenied unless city admin (None: a system job). DomainError if the project has no
    implementing unit or is not under way, the year is outside 2000..next year, the project
    already has this recognition for the year, or the year already has ten top-ten projects.
    """
    require_perm(acting_user, "assessment.record_recognition", project)
    kind = Recognition.Kind(kind)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.implementing_unit_id is None or project.status not in RECOGNISABLE_STATUSES:
        raise DomainError(_("Only a project carried by a unit can be recognised."))
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DomainError(_("The year %(year)s is not a valid year.") % {"year": year})
    same = Recognition.objects.filter(kind=kind, year=year)
    if same.filter(project=project).exists():
        raise DomainError(
            _("%(project)s already has this recognition for %(year)s.")
            % {"project": project.code, "year": year}
        )
    if kind == Recognition.Kind.TOP_TEN and same.count() >= Recognition.TOP_TEN_LIMIT:
        raise DomainError(
            _("%(year)s already has %(limit)d top-ten projects.")
            % {"year": year, "limit": Recognition.TOP_TEN_LIMIT}
        )
    recognition = Recognition(
        project=project, kind=kind, year=year, note=note.strip(), recorded_by=acting_user
    )
    recognition._history_user = acting_user
    recognition.save()
    return recognition


@transaction.atomic
def remove_recognition(recognition: Recognition, *, acting_user) -> None:
    """The city admin removes a recognition recorded by mistake; its points go with it."""
    require_perm(acting_user, "assessment.record_recognition", recognition.project)
    recognition._history_user = acting_user
    recognition.delete()
