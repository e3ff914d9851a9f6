"""Changes to projects: a selected or upgraded proposal becomes a project; the city admin keeps
the reform dimensions, defines projects with their three elements and timeline, and withdraws
them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.needs import services as needs_services
from jiebang.needs.models import Proposal
from jiebang.projects.models import Dimension, Indicator, Milestone, Project, StatusChange

DIMENSIONS = [
    "流程优化",
    "能力提升",
    "基层创新",
    "医防融合",
    "中医药传承",
    "一老一小",
    "数智赋能",
    "人才队伍",
    "法治与行风",
]


# Fields of Project that create_project / update_project accept.
PROJECT_FIELDS = {
    "title",
    "description",
    "is_key",
    "dimension",
    "implementing_unit",
    "coverage_types",
    "start_date",
    "end_date",
    "priority",
    "capabilities",
    "eligible_types",
    "region",
    "channel",
    "project_list",
    "source_proposal",
}


def next_code(year: int) -> str:
    prefix = f"JB{year}-"
    last = (
        Project.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:03d}"


def _create(proposal: Proposal, *, acting_user, is_key: bool) -> Project:
    project = Project(
        code=next_code(timezone.localdate().year),
        title=proposal.title,
        description=proposal.description,
        source_proposal=proposal,
        is_key=is_key,
        created_by=acting_user,
    )
    project._history_user = acting_user
    project.save()
    return project


@transaction.atomic
def create_project_from_proposal(proposal: Proposal, *, acting_user, note="") -> Project:
    """选题立项: the admin selects a screened proposal into a project."""
    require_perm(acting_user, "needs.manage_proposals", proposal)
    proposal = needs_services.mark_selected(proposal, acting_user=acting_user, note=note)
    return _create(proposal, acting_user=acting_user, is_key=False)


@transaction.atomic
def upgrade_reserve_proposal(proposal: Proposal, *, acting_user, note="") -> Project:
    """Re-evaluation upgrades a reserve proposal to a key project (重点项目)."""
    proposal = needs_services.mark_upgraded(proposal, acting_user=acting_user, note=note)
    return _create(proposal, acting_user=acting_user, is_key=True)


def ensure_dimensions() -> list[Dimension]:
    """The nine reform dimensions (改革维度), created if missing; admin changes are kept.
    For the demo loader and tests: a new installation gets them from a migration, and no
    page writes them (migrations/0008_seed_dimensions.py)."""
    return [
        Dimension.objects.get_or_create(name=name, defaults={"order": i})[0]
        for i, name in enumerate(DIMENSIONS, start=1)
    ]


def _dimension_name(name: str, *, besides: Dimension | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A reform dimension needs a name."))
    others = Dimension.objects.filter(name=name)
    if besides is not None:
        others = others.exclude(pk=besides.pk)
    if others.exists():
        raise DomainError(_("A reform dimension with this name exists already."))
    return name


@transaction.atomic
def create_dimension(*, acting_user, name: str, order: int | None = None) -> Dimension:
    """The city admin adds a reform dimension, last in the list unless `order` is given.
    PermissionDenied for anyone else; DomainError without a name or for a name in use."""
    require_perm(acting_user, "projects.manage_dimensions")
    name = _dimension_name(name)
    if order is None:
        last = Dimension.objects.order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    dimension = Dimension(name=name, order=order)
    dimension._history_user = acting_user
    dimension.save()
    return dimension


@transaction.atomic
def update_dimension(
    dimension: Dimension, *, acting_user, name: str, order: int, is_active: bool
) -> Dimension:
    """The city admin renames, reorders or switches a dimension off (or on again). A
    switched-off dimension is not offered for new projects; projects keep the one they have."""
    require_perm(acting_user, "projects.manage_dimensions", dimension)
    dimension = Dimension.objects.select_for_update().get(pk=dimension.pk)
    fields = {
        "name": _dimension_name(name, besides=dimension),
        "order": order,
        "is_active": is_active,
    }
    changed = [field for field, value in fields.items() if getattr(dimension, field) != value]
    if changed:
        for field in changed:
            setattr(dimension, field, fields[field])
        dimension._history_user = acting_user
        dimension.save(update_fields=changed)
    return dimension


def _is_active(dimension: Dimension) -> bool:
    return Dimension.objects.filter(pk=dimension.pk, is_active=True).exists()


def _check_fields(fields: dict, project: Project | None = None) -> None:
    unknown = set(fields) - PROJECT_FIELDS - {"coverage_regions"}
    if unknown:
        raise ValueError(f"unknown project fields: {sorted(unknown)}")
    start, end = fields.get("start_date"), fields.get("end_date")
    check_date_range(start, end)
    if start and end and end < start:
        raise DomainError(_("The end date must not be before the start date."))
    dimension = fields.get("dimension")
    kept = project is not None and dimension is not None and dimension.pk == project.dimension_id
    if dimension is not None and not kept and not _is_active(dimension):
        raise DomainError(
            _("The reform dimension “%(name)s” is switched off; choose another.")
            % {"name": dimension.name}
        )


def require_draft(project: Project) -> None:
    """DomainError unless the project is a draft (the only state in which it changes)."""
    if project.status != Project.Status.DRAFT:
        raise DomainError(_("Only a draft project can be changed."))


@transaction.atomic
def create_project(*, acting_user, **fields) -> Project:
    """The city admin defines a project (draft). PermissionDenied for anyone else."""
    require_perm(acting_user, "projects.manage_projects")
    _check_fields(fields)
    regions = fields.pop("coverage_regions", None)
    project = Project(code=next_code(timezone.localdate().year), created_by=acting_user, **fields)
    project._history_user = acting_user
    project.save()
    if regions is not None:
        project.coverage_regions.set(regions)
    return project


@transaction.atomic
def update_project(project: Project, *, acting_user, **fields) -> Project:
    """The city admin edits a draft project. DomainError once it is published."""
    require_perm(acting_user, "projects.manage_projects", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_draft(project)
    _check_fields(fields, project)
    regions = fields.pop("coverage_regions", None)
    for name, value in fields.items():
        setattr(project, name, value)
    project._history_user = acting_user
    project.save(update_fields=list(fields) or None)
    if regions is not None:
        project.coverage_regions.set(regions)
    return project


@transaction.atomic
def save_project(
    project: Project | None, *, acting_user, indicators=(), milestones=(), **fields
) -> Project:
    """Create (`project` None) or update a draft project with new indicators and milestones
    (rows of their fields), all or nothing. As create_project, update_project and the adds."""
    if project is None:
        project = create_project(acting_user=acting_user, **fields)
    else:
        project = update_project(project, acting_user=acting_user, **fields)
    for row in indicators:
        add_indicator(project, acting_user=acting_user, **row)
    for row in milestones:
        add_milestone(project, acting_user=acting_user, **row)
    return project


@transaction.atomic
def add_indicator(project: Project, *, acting_user, **fields) -> Indicator:
    """Add a quantified indicator to a draft project (city admin)."""
    require_perm(acting_user, "projects.manage_projects", project)
    require_draft(project)
    indicator = Indicator(project=project, **fields)
    indicator._history_user = acting_user
    indicator.save()
    return indicator


@transaction.atomic
def remove_indicator(indicator: Indicator, *, acting_user) -> None:
    require_perm(acting_user, "projects.manage_projects", indicator.project)
    require_draft(indicator.project)
    indicator._history_user = acting_user
    indicator.delete()


@transaction.atomic
def add_milestone(project: Project, *, acting_user, title: str, due_date) -> Milestone:
    """Add a milestone to a draft project's timeline (city admin)."""
    require_perm(acting_user, "projects.manage_projects", project)
    require_draft(project)
    check_date_range(due_date)
    milestone = Milestone(project=project, title=title, due_date=due_date)
    milestone._history_user = acting_user
    milestone.save()
    return milestone


@transaction.atomic
def remove_milestone(milestone: Milestone, *, acting_user) -> None:
    require_perm(acting_user, "projects.manage_projects", milestone.project)
    require_draft(milestone.project)
    milestone._history_user = acting_user
    milestone.delete()


@transaction.atomic
def withdraw_project(project: Project, *, acting_user, reason: str) -> StatusChange:
    """The city admin withdraws a project (draft, published, claimed or assigned)."""
    require_perm(acting_user, "projects.manage_projects", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    return project.move_to(Project.Status.WITHDRAWN, by=acting_user, reason=reason)
