"""Stage 6's kinds of pending work and its notices, for the workbench: nominations the city
admin screens, and each rater's nominations to score (one row per round, announced when the
panel is drawn); a call for nominations reaches the units that have projects to put forward,
and a nomination not admitted is returned to whoever made it, with the reason."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.models import Project
from jiebang.workbench.models import Topic
from jiebang.workbench.registry import Event, Kind, register, register_event

from .models import EvaluationRound, Nomination, PanelMember, ScoreSheet
from .services import NOMINABLE, NOMINABLE_IN_PROGRESS

Status = EvaluationRound.Status


def _sheets(**lookup):
    """How many of the seat's sheets match `lookup`, as a subquery (no GROUP BY in the
    queue's union)."""
    rows = (
        ScoreSheet.objects.filter(member=OuterRef("pk"), **lookup)
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _open_seats():
    return PanelMember.objects.annotate(
        w_open=_sheets(submitted_at__isnull=True), w_drawn=_sheets()
    )


def _to_score(user):
    """The rounds scoring now in which the user has sheets still blank."""
    if not user.is_authenticated or user.role not in (Role.PANEL, Role.EXPERT):
        return PanelMember.objects.none()
    return _open_seats().filter(user=user.pk, round__status=Status.SCORING, w_open__gt=0)


def _to_screen(user):
    if user.role != Role.CITY_ADMIN:
        return Nomination.objects.none()
    return Nomination.objects.filter(
        status=Nomination.Status.SUBMITTED, round__status=Status.NOMINATING
    )


register(
    Kind(
        key="evaluation.score_nominations",
        label=_("Nominations to score"),
        pending=_to_score,
        link="evaluation:score-list",
        link_arg="round_id",
        title="round__name",
        due="round__scoring_deadline",
        order=65,
        detail="evaluation/_work_seat.html",
        records=lambda pks: _open_seats().select_related("round").in_bulk(pks),
        assignees=lambda member: [member.user],
        announce_when=lambda member: (
            member.drawn_at is not None and member.round.status == Status.SCORING
        ),
        round=lambda member: member.drawn_at.isoformat(),
    ),
    model=PanelMember,
)
register(
    Kind(
        key="evaluation.screen_nomination",
        label=_("Nominations to screen"),
        pending=_to_screen,
        link="evaluation:nomination-detail",
        title="project__title",
        due="round__nomination_deadline",
        project="project",
        unit="project__implementing_unit",
        order=66,
        assignees=lambda nomination: User.objects.with_role(Role.CITY_ADMIN),
        announce_when=lambda nomination: nomination.status == Nomination.Status.SUBMITTED,
    ),
    model=Nomination,
)


def _callees(round_):
    """Who may put projects forward: the units carrying a project the round admits, and the
    county bureaus."""
    statuses = NOMINABLE_IN_PROGRESS if round_.admits_in_progress else NOMINABLE
    units = Project.objects.filter(status__in=statuses).values("implementing_unit")
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.UNIT, institution__in=units) | Q(role=Role.COUNTY_BUREAU)
    )


register_event(
    Event(
        key="evaluation.call_for_nominations",
        topic=Topic.NEW_WORK,
        model=EvaluationRound,
        when=lambda round_: round_.status == Status.NOMINATING,
        recipients=_callees,
        title=lambda round_: (
            _("Call for nominations: %(round)s") % {"round": round_.name}
            if not round_.nomination_deadline
            else _("Call for nominations: %(round)s, until %(date)s")
            % {"round": round_.name, "date": round_.nomination_deadline.isoformat()}
        ),
        url=lambda round_: round_.get_absolute_url(),
        occurrence=lambda round_: "",
    )
)
register_event(
    Event(
        key="evaluation.nomination_rejected",
        topic=Topic.RETURNED,
        model=Nomination,
        when=lambda nomination: nomination.status == Nomination.Status.REJECTED,
        recipients=lambda nomination: User.objects.filter(pk=nomination.nominated_by_id),
        title=lambda nomination: (
            _("Nomination not admitted: %(project)s: %(reason)s")
            % {"project": nomination.project.title, "reason": nomination.screening_note}
        ),
        url=lambda nomination: nomination.get_absolute_url(),
        occurrence=lambda nomination: nomination.screened_at and nomination.screened_at.isoformat(),
    )
)
