"""Changes to projects. For now: a selected or upgraded proposal becomes a project."""

from django.db import transaction

from jiebang.core.permissions import require_perm
from jiebang.needs import services as needs_services
from jiebang.needs.models import Proposal

from .models import Project


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
