"""Changes to projects: a selected or upgraded proposal becomes a project; the city admin
defines projects with their three elements and publishes them in lists (发榜)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.needs import services as needs_services
from jiebang.needs.models import Proposal

from .models import (
    Claim,
    Competition,
    Dimension,
    GreenChannelCase,
    Indicator,
    Milestone,
    Project,
    ProjectList,
    StatusChange,
    validate_claim_attachment,
)

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
    from django.utils import timezone

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


def _require_draft(project: Project) -> None:
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
    _require_draft(project)
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
    _require_draft(project)
    indicator = Indicator(project=project, **fields)
    indicator._history_user = acting_user
    indicator.save()
    return indicator


@transaction.atomic
def remove_indicator(indicator: Indicator, *, acting_user) -> None:
    require_perm(acting_user, "projects.manage_projects", indicator.project)
    _require_draft(indicator.project)
    indicator._history_user = acting_user
    indicator.delete()


@transaction.atomic
def add_milestone(project: Project, *, acting_user, title: str, due_date) -> Milestone:
    """Add a milestone to a draft project's timeline (city admin)."""
    require_perm(acting_user, "projects.manage_projects", project)
    _require_draft(project)
    check_date_range(due_date)
    milestone = Milestone(project=project, title=title, due_date=due_date)
    milestone._history_user = acting_user
    milestone.save()
    return milestone


@transaction.atomic
def remove_milestone(milestone: Milestone, *, acting_user) -> None:
    require_perm(acting_user, "projects.manage_projects", milestone.project)
    _require_draft(milestone.project)
    milestone._history_user = acting_user
    milestone.delete()


@transaction.atomic
def create_list(*, acting_user, name: str, round_number: int = 1, **guide) -> ProjectList:
    """The city admin opens a new list (榜单) in draft, optionally with its guide."""
    require_perm(acting_user, "projects.manage_projects")
    check_date_range(guide.get("guide_deadline"))
    project_list = ProjectList(
        name=name, round_number=round_number, created_by=acting_user, **guide
    )
    project_list._history_user = acting_user
    project_list.save()
    return project_list


@transaction.atomic
def update_guide(project_list: ProjectList, *, acting_user, **guide) -> ProjectList:
    """The city admin edits a list's name and application guide (申报指南)."""
    require_perm(acting_user, "projects.manage_projects", project_list)
    check_date_range(guide.get("guide_deadline"))
    for name, value in guide.items():
        setattr(project_list, name, value)
    project_list._history_user = acting_user
    project_list.save(update_fields=list(guide) or None)
    return project_list


@transaction.atomic
def add_projects_to_list(project_list: ProjectList, projects, *, acting_user) -> int:
    """Put draft projects on a list; DomainError for a project that is no longer a draft."""
    require_perm(acting_user, "projects.manage_projects", project_list)
    count = 0
    for project in projects:
        _require_draft(project)
        project.project_list = project_list
        project._history_user = acting_user
        project.save(update_fields=["project_list"])
        count += 1
    return count


def publication_problems(project: Project) -> list[str]:
    """Why a project cannot be published yet: the three elements and a timeline are needed."""
    problems = []
    if project.implementing_unit_id is None and project.channel != Project.Channel.OPEN:
        problems.append(_("a directed project needs an implementing unit"))
    if not project.indicators.exists():
        problems.append(_("at least one quantified indicator is needed"))
    if not (project.start_date and project.end_date) and not project.milestones.exists():
        problems.append(_("a timeline (start and end dates or milestones) is needed"))
    return problems


@transaction.atomic
def publish_list(project_list: ProjectList, *, acting_user) -> ProjectList:
    """发榜: the city admin publishes a list; its draft projects become published, and each
    directed (委托) project moves on to assigned with the unit the list names, a recorded step
    that says so (it is never claimed nor dispatched; its letter can be generated next).

    DomainError if the list is already published, has no draft project, or one of them lacks
    an implementing unit (unless open for application), an indicator or a timeline.
    """
    require_perm(acting_user, "projects.manage_projects", project_list)
    project_list = ProjectList.objects.select_for_update().get(pk=project_list.pk)
    if project_list.status == ProjectList.Status.PUBLISHED:
        raise DomainError(_("This list is already published."))
    drafts = list(project_list.projects.filter(status=Project.Status.DRAFT))
    if not drafts:
        raise DomainError(_("The list has no draft project to publish."))
    for project in drafts:
        problems = publication_problems(project)
        if problems:
            raise DomainError(
                _("%(project)s cannot be published: %(problems)s.")
                % {"project": project, "problems": "; ".join(problems)}
            )
    for project in drafts:
        project.move_to(Project.Status.PUBLISHED, by=acting_user)
        if project.channel == Project.Channel.DIRECTED:
            reason = _("Directed commission to %(unit)s, named in the published list.")
            project.move_to(
                Project.Status.ASSIGNED,
                by=acting_user,
                reason=reason % {"unit": project.implementing_unit},
            )
    project_list.status = ProjectList.Status.PUBLISHED
    project_list.published_at = timezone.now()
    project_list._history_user = acting_user
    project_list.save(update_fields=["status", "published_at"])
    return project_list


@transaction.atomic
def withdraw_project(project: Project, *, acting_user, reason: str) -> StatusChange:
    """The city admin withdraws a project (draft, published, claimed or assigned)."""
    require_perm(acting_user, "projects.manage_projects", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    return project.move_to(Project.Status.WITHDRAWN, by=acting_user, reason=reason)


# 点单: a unit claims a published open project; its county endorses; the city admin decides.


def application_deadline(project: Project):
    """The application deadline of the project's list (its guide's), or None."""
    if project.project_list_id is None:
        return None
    return ProjectList.objects.values_list("guide_deadline", flat=True).get(
        pk=project.project_list_id
    )


def applications_closed(project: Project) -> bool:
    """The deadline has passed: it is over at the end of its day in Asia/Shanghai."""
    deadline = application_deadline(project)
    return deadline is not None and deadline < timezone.localdate()


@transaction.atomic
def claim_project(project: Project, *, acting_user, plan: str, attachment=None) -> Claim:
    """点单: the acting unit user claims a published open (申报) project for its institution.

    PermissionDenied unless a unit user; DomainError if the project is not published, is a
    directed (委托) project, its list's application deadline has passed, it excludes the
    unit's type, or the unit already has an open claim.
    """
    require_perm(acting_user, "projects.claim_project", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    unit = acting_user.institution
    if project.status != Project.Status.PUBLISHED:
        raise DomainError(_("Only a published project can be claimed."))
    if project.channel != Project.Channel.OPEN:
        raise DomainError(_("A directed project cannot be claimed; it is commissioned."))
    if applications_closed(project):
        raise DomainError(
            _("Applications closed on %(date)s.")
            % {"date": application_deadline(project).isoformat()}
        )
    if project.eligible_types and unit.kind not in project.eligible_types:
        raise DomainError(_("Your institution is not of a type eligible for this project."))
    if project.claims.open().filter(claimant_unit=unit).exists():
        raise DomainError(_("Your institution already has an open claim on this project."))
    if project.competitions.filter(status=Competition.Status.SCORING).exists():
        raise DomainError(_("The competition for this project is being scored; claims are closed."))
    if attachment:
        try:
            validate_claim_attachment(attachment)
        except ValidationError as e:
            raise DomainError(e.messages[0]) from e
    claim = Claim(
        project=project,
        claimant_unit=unit,
        plan=plan,
        attachment=attachment or "",
        created_by=acting_user,
    )
    claim._history_user = acting_user
    claim.save()
    return claim


def _locked(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().select_related("claimant_unit").get(pk=claim.pk)


@transaction.atomic
def endorse_claim(claim: Claim, *, acting_user, note: str = "") -> Claim:
    """县级推荐: the bureau of the claimant's county endorses a submitted claim."""
    require_perm(acting_user, "projects.endorse_claim", claim)
    claim = _locked(claim)
    if claim.status != Claim.Status.SUBMITTED:
        raise DomainError(_("Only a submitted claim can be endorsed."))
    claim.move_to(Claim.Status.ENDORSED, by=acting_user)
    claim.county_note = note
    claim.endorsed_by = acting_user
    claim.endorsed_at = timezone.now()
    claim.save(update_fields=["status", "county_note", "endorsed_by", "endorsed_at", "updated_at"])
    return claim


def _require_no_competition(claim: Claim) -> None:
    """A competition under way decides its project's claims; only its unit may withdraw one."""
    active = Competition.objects.filter(
        project=claim.project_id, status__in=Competition.ACTIVE_STATUSES
    )
    if active.exists():
        raise DomainError(
            _("A competition decides the claims on this project; cancel it to decide directly.")
        )


def _decide(claim: Claim, status, *, acting_user, reason: str) -> None:
    claim.move_to(status, by=acting_user)
    claim.decision_reason = reason
    claim.decided_by = acting_user
    claim.decided_at = timezone.now()
    claim.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"]
    )


@transaction.atomic
def approve_claim(claim: Claim, *, acting_user, reason: str = "") -> Claim:
    """The city admin approves an endorsed claim: the claimant becomes the project's
    implementing unit, the project moves to claimed and the other open claims are rejected.
    DomainError unless the claim is endorsed and the project still published."""
    require_perm(acting_user, "projects.decide_claim", claim)
    claim = _locked(claim)
    project = Project.objects.select_for_update().get(pk=claim.project_id)
    if claim.status != Claim.Status.ENDORSED:
        raise DomainError(_("Only a claim endorsed by its county can be approved."))
    _require_no_competition(claim)
    _decide(claim, Claim.Status.APPROVED, acting_user=acting_user, reason=reason)
    others = project.claims.open().exclude(pk=claim.pk).select_for_update()
    for other in others:
        _decide(
            other,
            Claim.Status.REJECTED,
            acting_user=acting_user,
            reason=_("Another unit was chosen."),
        )
    project.implementing_unit = claim.claimant_unit
    project._history_user = acting_user
    project.save(update_fields=["implementing_unit"])
    project.move_to(Project.Status.CLAIMED, by=acting_user, reason=str(claim.claimant_unit))
    return claim


@transaction.atomic
def reject_claim(claim: Claim, *, acting_user, reason: str) -> Claim:
    """The city admin rejects an open claim; DomainError without a reason."""
    require_perm(acting_user, "projects.decide_claim", claim)
    if not reason.strip():
        raise DomainError(_("A reason is needed to reject a claim."))
    claim = _locked(claim)
    _require_no_competition(claim)
    _decide(claim, Claim.Status.REJECTED, acting_user=acting_user, reason=reason.strip())
    return claim


@transaction.atomic
def withdraw_claim(claim: Claim, *, acting_user) -> Claim:
    """The claimant unit withdraws its claim before the city admin decides."""
    require_perm(acting_user, "projects.withdraw_claim", claim)
    claim = _locked(claim)
    claim.move_to(Claim.Status.WITHDRAWN, by=acting_user)
    claim.save(update_fields=["status", "updated_at"])
    return claim


# 绿色通道/直报 (一事一议): a unit raises a case, the task force takes it and answers.


def _check_departments(departments) -> list[str]:
    valid = set(GreenChannelCase.Department.values)
    codes = list(dict.fromkeys(departments or []))
    if not codes:
        raise DomainError(_("Choose at least one department involved."))
    if not set(codes) <= valid:
        raise DomainError(_("Unknown department."))
    return codes


@transaction.atomic
def raise_case(
    *, acting_user, title: str, description: str, departments, project=None
) -> GreenChannelCase:
    """直报: a unit user raises a case for its own institution, answered within 10 days.

    PermissionDenied unless a unit user with an institution; DomainError without a title,
    description or department, or when the project is not one the unit implements."""
    require_perm(acting_user, "projects.raise_case")
    if not title.strip() or not description.strip():
        raise DomainError(_("A case needs a title and a description."))
    codes = _check_departments(departments)
    own_projects = Project.objects.implemented_visible_to(acting_user)
    if project is not None and not own_projects.filter(pk=project.pk).exists():
        raise DomainError(_("A case can only concern a project your institution implements."))
    case = GreenChannelCase(
        raised_by_unit=acting_user.institution,
        project=project,
        title=title.strip(),
        description=description.strip(),
        departments=codes,
        created_by=acting_user,
    )
    case._history_user = acting_user
    case.save()
    return case


def _locked_case(case: GreenChannelCase) -> GreenChannelCase:
    return GreenChannelCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def take_case(case: GreenChannelCase, *, acting_user, response_deadline=None) -> GreenChannelCase:
    """受理协调: the task force (or city admin) takes an open case, becomes its owner and may
    set a new response deadline. DomainError unless open or with a deadline in the past."""
    require_perm(acting_user, "projects.take_case", case)
    case = _locked_case(case)
    case.move_to(GreenChannelCase.Status.IN_COORDINATION, by=acting_user)
    if response_deadline is not None:
        check_date_range(response_deadline)
        if response_deadline < timezone.localdate():
            raise DomainError(_("The response deadline cannot be in the past."))
        case.response_deadline = response_deadline
    case.owner = acting_user
    case.taken_at = timezone.now()
    case.save(update_fields=["status", "owner", "taken_at", "response_deadline", "updated_at"])
    return case


@transaction.atomic
def resolve_case(case: GreenChannelCase, *, acting_user, resolution: str) -> GreenChannelCase:
    """The owner (or city admin) records how the case was resolved; DomainError without a
    resolution or unless in coordination."""
    require_perm(acting_user, "projects.resolve_case", case)
    if not resolution.strip():
        raise DomainError(_("A resolution is needed to resolve a case."))
    case = _locked_case(case)
    case.move_to(GreenChannelCase.Status.RESOLVED, by=acting_user)
    case.resolution = resolution.strip()
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "resolution", "closed_at", "updated_at"])
    return case


@transaction.atomic
def close_unresolved(case: GreenChannelCase, *, acting_user, reason: str) -> GreenChannelCase:
    """The owner (or city admin) closes a case that cannot be resolved; DomainError without
    a reason."""
    require_perm(acting_user, "projects.close_case", case)
    if not reason.strip():
        raise DomainError(_("A reason is needed to close a case unresolved."))
    case = _locked_case(case)
    case.move_to(GreenChannelCase.Status.CLOSED_UNRESOLVED, by=acting_user)
    case.close_reason = reason.strip()
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "close_reason", "closed_at", "updated_at"])
    return case
