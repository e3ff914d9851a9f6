"""绿色通道/直报 (一事一议): a unit raises a case, the task force takes it and answers."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.projects.models import GreenChannelCase, Project


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
