"""竞技比武: when several units claim one open project, the city admin holds a roadshow; the
panel scores each pitch on weighted criteria, the ranking picks the winner (approved through
the 点单 flow) and every other unit is told why it lost.

    member score of a pitch = 100 × Σ weight × score / max score ÷ Σ weight
    pitch total              = mean of the member scores over the panel
    ties                     = the higher mean on the heaviest criterion, then the next …;
                               then the earlier claim
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.claim import services as claim_services
from jiebang.projects.models import Claim, Competition, Criterion, Project, Score, ScoreSheet

# The default criteria (name, weight, highest score); the admin changes them while open.
DEFAULT_CRITERIA = [
    ("方案可行性", 30, 10),
    ("创新性", 25, 10),
    ("预期成效", 25, 10),
    ("保障条件", 20, 10),
]


PANEL_ROLES = (Role.PANEL, Role.EXPERT)


CENT = Decimal("0.01")


def panel_candidates():
    """Who may sit on a panel: active users with the panel or the expert role."""
    return User.objects.filter(role__in=PANEL_ROLES, is_active=True).order_by("role", "username")


def _check_panel(panel) -> list:
    panel = list(panel)
    wrong = [str(u) for u in panel if u.role not in PANEL_ROLES or not u.is_active]
    if wrong:
        raise DomainError(
            _("Only panel members and experts can score: %(users)s.") % {"users": "、".join(wrong)}
        )
    return panel


def _locked(competition: Competition) -> Competition:
    return Competition.objects.select_for_update().select_related("project").get(pk=competition.pk)


def _require_active(competition: Competition) -> None:
    if competition.status not in Competition.ACTIVE_STATUSES:
        raise DomainError(_("This competition is over and can no longer be changed."))


@transaction.atomic
def open_competition(
    project: Project, *, acting_user, session_at, place: str, note: str = "", panel=()
) -> Competition:
    """The city admin opens a competition on a published open project with at least two open
    claims, with the default criteria. DomainError otherwise or if one is already running."""
    require_perm(acting_user, "projects.manage_competitions", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Project.Status.PUBLISHED or project.channel != Project.Channel.OPEN:
        raise DomainError(_("Only a published open-application project can have a competition."))
    if project.claims.open().count() < 2:
        raise DomainError(_("A competition needs at least two open claims on the project."))
    if project.competitions.filter(status__in=Competition.ACTIVE_STATUSES).exists():
        raise DomainError(_("This project already has a competition under way."))
    check_date_range(session_at)
    panel = _check_panel(panel)
    competition = Competition(
        project=project, session_at=session_at, place=place, note=note, created_by=acting_user
    )
    competition._history_user = acting_user
    competition.save()
    competition.panel.set(panel)
    for order, (name, weight, max_score) in enumerate(DEFAULT_CRITERIA, start=1):
        Criterion.objects.create(
            competition=competition, name=name, weight=weight, max_score=max_score, order=order
        )
    return competition


@transaction.atomic
def update_competition(
    competition: Competition, *, acting_user, session_at, place: str, note: str = "", panel=()
) -> Competition:
    """The city admin changes the session or the panel until the competition is closed. A
    member taken off the panel no longer counts in the ranking."""
    require_perm(acting_user, "projects.manage_competitions", competition)
    competition = _locked(competition)
    _require_active(competition)
    check_date_range(session_at)
    panel = _check_panel(panel)
    competition.session_at, competition.place, competition.note = session_at, place, note
    competition._history_user = acting_user
    competition.save(update_fields=["session_at", "place", "note"])
    competition.panel.set(panel)
    return competition


@transaction.atomic
def set_criteria(competition: Competition, criteria, *, acting_user) -> list[Criterion]:
    """The city admin replaces the criteria (name, weight, max_score) before scoring starts.
    DomainError once scoring has started, without a criterion, or for a weight or highest
    score that is not positive."""
    require_perm(acting_user, "projects.manage_competitions", competition)
    competition = _locked(competition)
    if competition.status != Competition.Status.OPEN:
        raise DomainError(_("The criteria are fixed once scoring has started."))
    criteria = [c for c in criteria if c.get("name")]
    if not criteria:
        raise DomainError(_("A competition needs at least one criterion."))
    for c in criteria:
        if not (c["weight"] > 0 and c["max_score"] > 0):
            raise DomainError(
                _("“%(name)s”: the weight and the highest score must be positive.")
                % {"name": c["name"]}
            )
    for old in competition.criteria.all():
        old._history_user = acting_user
        old.delete()
    created = []
    for order, c in enumerate(criteria, start=1):
        criterion = Criterion(
            competition=competition,
            name=c["name"],
            weight=c["weight"],
            max_score=c["max_score"],
            order=order,
        )
        criterion._history_user = acting_user
        criterion.save()
        created.append(criterion)
    return created


@transaction.atomic
def start_scoring(competition: Competition, *, acting_user) -> Competition:
    """After the roadshow the city admin opens scoring: the pitches (the open claims) and the
    criteria are fixed. DomainError without a panel or with fewer than two open claims."""
    require_perm(acting_user, "projects.manage_competitions", competition)
    competition = _locked(competition)
    competition.move_to(Competition.Status.SCORING, by=acting_user)
    claims = list(competition.project.claims.open())
    if len(claims) < 2:
        raise DomainError(_("A competition needs at least two open claims on the project."))
    if not competition.panel.exists():
        raise DomainError(_("Add the panel members before scoring starts."))
    competition.save(update_fields=["status"])
    competition.pitches.set(claims)
    return competition


@transaction.atomic
def submit_scores(
    competition: Competition, claim: Claim, *, acting_user, values: dict, comment: str = ""
) -> ScoreSheet:
    """A member of the panel scores one pitch on every criterion (0 … highest score), with a
    comment; a second call replaces the sheet. PermissionDenied off the panel; DomainError
    unless scoring, for a claim that is not a pitch or a missing or out-of-range score."""
    require_perm(acting_user, "projects.score_competition", competition)
    competition = _locked(competition)
    if competition.status != Competition.Status.SCORING:
        raise DomainError(_("Scores can be given only while the competition is scoring."))
    if not competition.pitches.filter(pk=claim.pk).exclude(status=Claim.Status.WITHDRAWN).exists():
        raise DomainError(_("This claim is not a pitch of the competition."))
    criteria = list(competition.criteria.all())
    checked = {}
    for criterion in criteria:
        value = values.get(criterion.pk)
        if value is None:
            raise DomainError(_("Give a score for “%(name)s”.") % {"name": criterion.name})
        value = Decimal(value)
        if not 0 <= value <= criterion.max_score:
            raise DomainError(
                _("The score for “%(name)s” must be between 0 and %(max)s.")
                % {"name": criterion.name, "max": _number(criterion.max_score)}
            )
        checked[criterion] = value
    sheet, _created = ScoreSheet.objects.get_or_create(
        competition=competition, claim=claim, member=acting_user
    )
    sheet.comment = comment.strip()
    sheet._history_user = acting_user
    sheet.save(update_fields=["comment", "updated_at"])
    for criterion, value in checked.items():
        score = Score.objects.filter(sheet=sheet, criterion=criterion).first()
        if score is None:
            score = Score(sheet=sheet, criterion=criterion, value=value)
        score.value = value
        score._history_user = acting_user
        score.save()
    return sheet


def _number(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP):f}".rstrip("0").rstrip(".")


@dataclass
class Standing:
    """One pitch in the ranking."""

    claim: Claim
    total: Decimal  # 0–100, mean of the members' weighted scores
    means: dict  # criterion pk → mean score
    sheets: int  # how many panel members scored it
    comments: list = field(default_factory=list)  # (member, comment)
    rank: int = 0
    tie_break: str = ""  # how a tie on the total with the pitch above was broken
    by_criterion: list = field(default_factory=list)  # (criterion, mean), in criteria order


def _mean(values) -> Decimal:
    values = list(values)
    if not values:
        return Decimal(0)
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def ranking(competition: Competition) -> list[Standing]:
    """The pitches (withdrawn ones left out) ranked by their total, computed from the score
    rows of the members now on the panel; ties broken explicitly (see the module doc)."""
    criteria = list(competition.criteria.all())
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    panel = set(competition.panel.values_list("pk", flat=True))
    sheets = (
        ScoreSheet.objects.filter(competition=competition, member__in=panel)
        .select_related("member")
        .prefetch_related("scores")
        .order_by("member__username")
    )
    by_claim: dict[int, list] = {}
    for sheet in sheets:
        by_claim.setdefault(sheet.claim_id, []).append(sheet)
    standings = []
    for claim in competition.current_pitches().exclude(status=Claim.Status.WITHDRAWN):
        claim_sheets = by_claim.get(claim.pk, [])
        weighted, per_criterion = [], {c.pk: [] for c in criteria}
        for sheet in claim_sheets:
            values = {s.criterion_id: s.value for s in sheet.scores.all()}
            if total_weight and all(c.pk in values for c in criteria):
                part = sum(c.weight * values[c.pk] / c.max_score for c in criteria)
                weighted.append(100 * part / total_weight)
                for c in criteria:
                    per_criterion[c.pk].append(values[c.pk])
        standings.append(
            Standing(
                claim=claim,
                total=_mean(weighted),
                means={pk: _mean(v) for pk, v in per_criterion.items()},
                sheets=len(weighted),
                comments=[(s.member, s.comment) for s in claim_sheets if s.comment],
                by_criterion=[(c, _mean(per_criterion[c.pk])) for c in criteria],
            )
        )
    heaviest = sorted(criteria, key=lambda c: (-c.weight, c.order, c.pk))

    def key(s: Standing):
        return (
            -s.total,
            *(-s.means[c.pk] for c in heaviest),
            s.claim.created_at,
            s.claim.pk,
        )

    standings.sort(key=key)
    for i, s in enumerate(standings):
        s.rank = i + 1
        if i and standings[i - 1].total == s.total:
            s.tie_break = _tie_break(standings[i - 1], s, heaviest)
    return standings


def _tie_break(above: Standing, below: Standing, heaviest) -> str:
    for c in heaviest:
        if above.means[c.pk] != below.means[c.pk]:
            return _("tied on the total; ranked lower on “%(name)s” (%(own)s vs %(other)s)") % {
                "name": c.name,
                "own": _number(below.means[c.pk]),
                "other": _number(above.means[c.pk]),
            }
    return _("tied on the total and on every criterion; the other claim was submitted earlier")


def missing_sheets(competition: Competition) -> list[tuple]:
    """(member, claim) pairs still without a complete score sheet."""
    count = competition.criteria.count()
    done = {
        (s.member_id, s.claim_id)
        for s in ScoreSheet.objects.filter(competition=competition).prefetch_related("scores")
        if len(s.scores.all()) >= count
    }
    pitches = list(competition.current_pitches().exclude(status=Claim.Status.WITHDRAWN))
    return [
        (member, claim)
        for member in competition.panel.order_by("username")
        for claim in pitches
        if (member.pk, claim.pk) not in done
    ]


def loser_reason(standing: Standing, winner: Standing, count: int, criteria) -> str:
    """Why a pitch lost: its rank, its total against the winner's, the criteria where it fell
    short of the winner and the panel's comments."""
    parts = [
        _(
            "Competition result: ranked %(rank)s of %(count)s with %(score)s points; the "
            "winner, %(winner)s, scored %(winner_score)s."
        )
        % {
            "rank": standing.rank,
            "count": count,
            "score": _number(standing.total),
            "winner": winner.claim.claimant_unit,
            "winner_score": _number(winner.total),
        }
    ]
    if standing.tie_break:
        parts.append(_("Ranking: %(rule)s.") % {"rule": standing.tie_break})
    short = [
        f"{c.name} {_number(standing.means[c.pk])}/{_number(winner.means[c.pk])}"
        for c in criteria
        if standing.means[c.pk] < winner.means[c.pk]
    ]
    if short:
        parts.append(
            _("Below the winner on: %(criteria)s (yours/winner’s).")
            % {"criteria": "、".join(short)}
        )
    comments = [comment for _member, comment in standing.comments]
    if comments:
        parts.append(_("Panel comments: %(comments)s") % {"comments": "；".join(comments)})
    return " ".join(parts)


@transaction.atomic
def close_competition(competition: Competition, *, acting_user) -> Competition:
    """The city admin closes scoring: the top pitch is approved through approve_claim (the
    project becomes claimed by its unit) and every other pitch is rejected with the reason.
    DomainError while a panel member has not scored every pitch, or if the winning claim has
    not been endorsed by its county yet."""
    require_perm(acting_user, "projects.manage_competitions", competition)
    competition = _locked(competition)
    competition.move_to(Competition.Status.CLOSED, by=acting_user)
    missing = missing_sheets(competition)
    if missing:
        names = sorted({str(member) for member, _claim in missing})
        raise DomainError(
            _("Scoring is not complete: %(members)s still have pitches to score.")
            % {"members": "、".join(names)}
        )
    standings = ranking(competition)
    if not standings:
        raise DomainError(_("No pitch is left to rank."))
    winner = standings[0]
    if winner.claim.status != Claim.Status.ENDORSED:
        raise DomainError(
            _("The winning claim of %(unit)s must be endorsed by its county before closing.")
            % {"unit": winner.claim.claimant_unit}
        )
    competition.winner = winner.claim
    competition.closed_by = acting_user
    competition.closed_at = timezone.now()
    competition.save(update_fields=["status", "winner", "closed_by", "closed_at"])
    criteria = list(competition.criteria.all())
    for standing in standings[1:]:
        if standing.claim.status in Claim.OPEN_STATUSES:
            reason = loser_reason(standing, winner, len(standings), criteria)
            claim_services.reject_claim(standing.claim, acting_user=acting_user, reason=reason)
    reason = _("Ranked first in the competition with %(score)s points.") % {
        "score": _number(winner.total)
    }
    claim_services.approve_claim(winner.claim, acting_user=acting_user, reason=reason)
    return competition


@transaction.atomic
def cancel_competition(competition: Competition, *, acting_user, reason: str) -> Competition:
    """The city admin cancels a competition (open or scoring) with a reason; the claims stay
    open for a decision on the claims page."""
    require_perm(acting_user, "projects.manage_competitions", competition)
    if not reason.strip():
        raise DomainError(_("A reason is needed to cancel a competition."))
    competition = _locked(competition)
    competition.move_to(Competition.Status.CANCELLED, by=acting_user)
    competition.cancel_reason = reason.strip()
    competition.save(update_fields=["status", "cancel_reason"])
    return competition
