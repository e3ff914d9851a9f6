"""Stages 2–3's kinds of pending work and their notices, for the workbench: claims to endorse
and to decide, competitions to score, green-channel cases to take and to answer; the claimant
hears of the county's endorsement and of the decision."""

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.workbench.models import Topic
from jiebang.workbench.registry import Event, Kind, register, register_event

from .claim import services as claim_services
from .models import Claim, Competition, GreenChannelCase, ScoreSheet

C = Claim.Status
Case = GreenChannelCase.Status
CLAIM = {
    "link": "projects:project-detail",
    "link_arg": "project_id",
    "title": "project__title",
    "project": "project",
    "unit": "claimant_unit",
    "detail": "projects/_work_claim.html",
    "records": lambda pks: Claim.objects.select_related("claimant_unit").in_bulk(pks),
}


def _endorsers(claim):
    region = claim.claimant_unit.region
    if region.parent_id is None:
        return User.objects.with_role(Role.TASK_FORCE)
    return User.objects.bureaus_over(region)


def _to_decide(user):
    if user.role != Role.CITY_ADMIN:
        return Claim.objects.none()
    return Claim.objects.filter(status=C.ENDORSED)


def _to_score(user):
    """Competitions in scoring on whose panel the user sits, with pitches still unscored by
    them (a sheet is stored whole, every criterion at once)."""
    if not user.is_authenticated:
        return Competition.objects.none()
    pitches = (
        Competition.pitches.through.objects.filter(competition=OuterRef("pk"))
        .values("competition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sheets = (
        ScoreSheet.objects.filter(competition=OuterRef("pk"), member=user.pk)
        .values("competition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Competition.objects.filter(status=Competition.Status.SCORING, panel=user.pk)
        .annotate(w_pitches=Coalesce(Subquery(pitches), 0), w_sheets=Coalesce(Subquery(sheets), 0))
        .filter(w_sheets__lt=F("w_pitches"))
    )


def _cases_to_take(user):
    if user.role != Role.TASK_FORCE:
        return GreenChannelCase.objects.none()
    return GreenChannelCase.objects.filter(status=GreenChannelCase.Status.OPEN, owner=None)


def _cases_to_answer(user):
    if user.role not in (Role.TASK_FORCE, Role.CITY_ADMIN):
        return GreenChannelCase.objects.none()
    return GreenChannelCase.objects.filter(
        status__in=[GreenChannelCase.Status.OPEN, GreenChannelCase.Status.IN_COORDINATION],
        owner=user.pk,
    )


CASE = {
    "link": "projects:case-detail",
    "title": "title",
    "due": "response_deadline",
    "project": "project",
    "unit": "raised_by_unit",
}

register(
    Kind(
        key="projects.endorse_claim",
        label=_("Claims to endorse"),
        pending=claim_services.awaiting_endorsement,
        order=60,
        assignees=_endorsers,
        announce_when=lambda claim: claim.status == C.SUBMITTED,
        round=lambda claim: claim.created_at and claim.created_at.isoformat(),
        **CLAIM,
    ),
    model=Claim,
)
register(
    Kind(
        key="projects.decide_claim",
        label=_("Claims to decide"),
        pending=_to_decide,
        order=61,
        assignees=lambda claim: User.objects.with_role(Role.CITY_ADMIN),
        announce_when=lambda claim: claim.status == C.ENDORSED,
        **CLAIM,
    ),
    model=Claim,
)
register(
    Kind(
        key="projects.score_competition",
        label=_("Competitions to score"),
        pending=_to_score,
        link="projects:competition-score",
        title="project__title",
        project="project",
        order=62,
        assignees=lambda competition: competition.panel.filter(is_active=True),
        announce_when=lambda competition: competition.status == Competition.Status.SCORING,
    ),
    model=Competition,
)
register(
    Kind(
        key="projects.take_case",
        label=_("Green-channel cases to take"),
        pending=_cases_to_take,
        order=63,
        assignees=lambda case: User.objects.with_role(Role.TASK_FORCE),
        announce_when=lambda case: case.status == Case.OPEN and not case.owner_id,
        **CASE,
    ),
    model=GreenChannelCase,
)
register(
    Kind(
        key="projects.answer_case",
        label=_("Green-channel cases to answer"),
        pending=_cases_to_answer,
        order=64,
        **CASE,
    ),
    model=GreenChannelCase,
)


def _decision_title(claim):
    if claim.status == C.ENDORSED:
        return _("Your claim on %(project)s was endorsed by the county") % {
            "project": claim.project.title
        }
    if claim.status == C.APPROVED:
        return _("Your claim on %(project)s was approved") % {"project": claim.project.title}
    return _("Your claim on %(project)s was not approved: %(reason)s") % {
        "project": claim.project.title,
        "reason": claim.decision_reason,
    }


register_event(
    Event(
        key="projects.claim_decision",
        topic=Topic.DECISION,
        model=Claim,
        when=lambda claim: claim.status in (C.ENDORSED, C.APPROVED, C.REJECTED),
        recipients=lambda claim: User.objects.of_unit(claim.claimant_unit_id),
        title=_decision_title,
        url=lambda claim: claim.project.get_absolute_url(),
        occurrence=lambda claim: claim.status,
    )
)
