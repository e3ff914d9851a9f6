"""Stage 1's kinds of pending work, for the workbench: proposals to score or test, reserve
reviews due, hotline imports waiting for their column mapping, low-confidence items to review."""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiebang.core.permissions import can
from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.workbench.registry import Kind, register

from . import services
from .models import ExpertScore, FeedbackItem, ImportBatch, PracticeVerdict, Proposal

SCREENING = Proposal.Status.SCREENING
PROPOSAL = {"link": "needs:proposal-detail", "title": "title", "region": "region"}


def _to_score(user):
    scored = ExpertScore.objects.filter(proposal=OuterRef("pk"), expert=user.pk)
    return Proposal.objects.filter(status=SCREENING, experts=user.pk).exclude(Exists(scored))


def _to_test(user):
    tested = PracticeVerdict.objects.filter(proposal=OuterRef("pk"), member=user.pk)
    return Proposal.objects.filter(status=SCREENING, panel_members=user.pk).exclude(Exists(tested))


def _reviews_due(user):
    if not can(user, "needs.manage_proposals"):
        return Proposal.objects.none()
    return services.due_reviews(Proposal.objects.visible_to(user), timezone.localdate())


def _to_review(user):
    if not can(user, "needs.correct_category"):
        return FeedbackItem.objects.none()
    return services.review_queue(FeedbackItem.objects.visible_to(user))


def _to_map(user):
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(
        created_by=user.pk, status=ImportBatch.Status.PENDING, attempt=0
    )


register(
    Kind(
        key="needs.score_proposal",
        label=_("Proposals to score"),
        pending=_to_score,
        order=50,
        assignees=lambda proposal: proposal.experts.filter(is_active=True),
        announce_when=lambda proposal: proposal.status == SCREENING,
        **PROPOSAL,
    ),
    model=Proposal,
)
register(
    Kind(
        key="needs.test_proposal",
        label=_("Proposals to test in practice"),
        pending=_to_test,
        order=51,
        assignees=lambda proposal: proposal.panel_members.filter(is_active=True),
        announce_when=lambda proposal: proposal.status == SCREENING,
        **PROPOSAL,
    ),
    model=Proposal,
)
register(
    Kind(
        key="needs.review_reserve",
        label=_("Reserve proposals due for review"),
        pending=_reviews_due,
        due="review_date",
        order=52,
        assignees=lambda proposal: User.objects.with_role(Role.CITY_ADMIN),
        **PROPOSAL,
    ),
    model=Proposal,
)
register(
    Kind(
        key="needs.map_import",
        label=_("Imports waiting for their column mapping"),
        pending=_to_map,
        link="needs:import-map",
        title="file_name",
        order=53,
    ),
    model=ImportBatch,
)
register(
    Kind(
        key="needs.review_feedback",
        label=_("Low-confidence items to review"),
        pending=_to_review,
        link="needs:feedback-detail",
        title="text",
        region="region",
        unit="institution",
        order=90,
    ),
    model=FeedbackItem,
)
