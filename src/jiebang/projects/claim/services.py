"""点单: a unit claims a published open project; its county endorses; the city admin decides,
and an approved claim makes its unit the project's implementing unit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.core.roles import Role
from jiebang.core.scoping import user_scope
from jiebang.projects.lists.services import application_deadline, applications_closed
from jiebang.projects.models import Claim, Competition, Project, validate_claim_attachment


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


def decided_claims(user):
    """The record of decided claims a user may look back on: the city every decided claim,
    a county bureau the claims of its units it endorsed (whatever became of them), a unit those
    of its own that are decided."""
    claims = Claim.objects.visible_to(user)
    scope = user_scope(user)
    done = [Claim.Status.APPROVED, Claim.Status.REJECTED, Claim.Status.WITHDRAWN]
    if scope.is_city:
        return claims.filter(status__in=done)
    if scope.region_path:
        return claims.filter(
            claimant_unit__region__path__startswith=scope.region_path, endorsed_at__isnull=False
        )
    return claims.filter(status__in=done)


# Claims of units above any county (the city CDC …), which the task force endorses (rules:
# is_city_level_claimant): such a unit's region is the city itself.
CITY_LEVEL = Q(claimant_unit__region__parent=None)


def awaiting_endorsement(user):
    """The submitted claims this user endorses (projects.endorse_claim): a county bureau its
    county's units', the task force those of city-level units."""
    submitted = Claim.objects.filter(status=Claim.Status.SUBMITTED)
    path = user_scope(user).region_path
    if user.role == Role.COUNTY_BUREAU and path:
        return submitted.filter(claimant_unit__region__path__startswith=path)
    if user.role == Role.TASK_FORCE:
        return submitted.filter(CITY_LEVEL)
    return Claim.objects.none()
