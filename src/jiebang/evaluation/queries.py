"""What the evaluation pages read: a round's ranking (ranking.py on the handed-in sheets), the
panel's progress, a nomination's figures (数据量化) and the published top ten for the portal."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q

from jiebang.ledger.models import IndicatorMeasurement, Review
from jiebang.supervision.models import Ticket

from . import ranking
from .models import (
    CODE_OF_NAME,
    CRITERION_NAMES,
    Criterion,
    EvaluationRound,
    Nomination,
    ScoreSheet,
    TopTenEntry,
)

# -- The ranking -----------------------------------------------------------------------------


def scores_of(round_: EvaluationRound) -> list[ranking.Score]:
    """The handed-in scores of the round as ranking.py (and scores.csv) take them: the
    nomination's id, the rater's user name, the criterion's Chinese name, the score."""
    rows = (
        ScoreSheet.objects.filter(round=round_)
        .submitted()
        .order_by("nomination", "rater__username")
        .values_list("nomination", "rater__username", *Criterion.values)
    )
    return [
        ranking.Score(str(nomination), rater, CRITERION_NAMES[code], float(value))
        for nomination, rater, *values in rows
        for code, value in zip(Criterion.values, values, strict=True)
    ]


def weights_of(round_: EvaluationRound) -> dict[str, float]:
    """The round's weights keyed by the Chinese criterion names (as weights.json)."""
    return {CRITERION_NAMES[code]: float(w) for code, w in round_.weights().items()}


@dataclass
class Ranked:
    """A nomination in the round's ranking."""

    nomination: Nomination
    rank: int
    raw_rank: int
    total: float
    raw_weighted_mean: float
    raters: int
    criteria: list[tuple]  # (label, mean z, mean raw score) in the fixed order

    @property
    def moved(self) -> int:
        """Places gained (positive) or lost against the raw weighted mean's order."""
        return self.raw_rank - self.rank

    @property
    def fell(self) -> int:
        return self.rank - self.raw_rank


@dataclass
class RaterSummary:
    """How one rater scored: their mean and spread over their sheets (their bias)."""

    member: object
    drawn: int
    handed_in: int
    mean: float | None
    spread: float | None


@dataclass
class RoundRanking:
    standings: list[Ranked]
    agreement: list[tuple]  # (label, ranking.Agreement)
    weights: list[tuple]  # (label, share of 1)


def round_ranking(round_: EvaluationRound) -> RoundRanking:
    """The corrected ranking of the round's nominations from the sheets handed in so far."""
    scores = scores_of(round_)
    labels = {name: Criterion(code).label for name, code in CODE_OF_NAME.items()}
    weights = weights_of(round_)
    if not scores:
        shares = ranking.normalise_weights(weights) if sum(weights.values()) > 0 else {}
        return RoundRanking([], [], [(labels[c], shares.get(c)) for c in ranking.CRITERIA])
    result = ranking.rank(scores, weights)
    nominations = Nomination.objects.select_related(
        "project__implementing_unit", "verification"
    ).in_bulk([int(s.nomination) for s in result.standings])
    standings = [
        Ranked(
            nomination=nominations[int(s.nomination)],
            rank=s.rank,
            raw_rank=s.raw_rank,
            total=s.total,
            raw_weighted_mean=s.raw_weighted_mean,
            raters=s.raters,
            criteria=[(labels[c], s.criteria.get(c), s.raw.get(c)) for c in ranking.CRITERIA],
        )
        for s in result.standings
    ]
    return RoundRanking(
        standings=standings,
        agreement=[(labels[a.criterion], a) for a in result.agreement],
        weights=[(labels[c], result.weights[c]) for c in ranking.CRITERIA],
    )


def rater_summaries(round_: EvaluationRound) -> list[RaterSummary]:
    """Each panel member's sheets drawn and handed in, and the mean and spread of all the
    scores they gave (a lenient rater's mean is high, a harsh one's low)."""
    sheets: dict[int, list] = {}
    for sheet in ScoreSheet.objects.filter(round=round_).only(
        "member", "submitted_at", *Criterion.values
    ):
        sheets.setdefault(sheet.member_id, []).append(sheet)
    rows = []
    for member in round_.members.select_related("user__institution").order_by("kind", "pk"):
        own = sheets.get(member.pk, [])
        values = [
            float(v) for s in own if s.submitted_at for v in s.scores().values() if v is not None
        ]
        mean = math.fsum(values) / len(values) if values else None
        spread = (
            math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values)) if values else None
        )
        rows.append(
            RaterSummary(member, len(own), sum(1 for s in own if s.submitted_at), mean, spread)
        )
    return rows


def progress(round_: EvaluationRound) -> dict:
    """Sheets drawn and handed in, over the round (the admin's progress counts)."""
    return round_.sheets.aggregate(
        drawn=Count("pk"), handed_in=Count("pk", filter=Q(submitted_at__isnull=False))
    )


# -- A nomination's figures (数据量化) -------------------------------------------------------


@dataclass
class IndicatorFigure:
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    direction: str
    latest: Decimal | None
    period: object
    achievement: float | None  # % of the way from the baseline to the target

    @property
    def met(self) -> bool:
        return self.achievement is not None and self.achievement >= 100


def achievement(baseline, target, value) -> float | None:
    """How far `value` got from the baseline towards the target, in % (100: reached; more
    when exceeded; negative when it went the wrong way); None without a value or a gap."""
    if value is None or target == baseline:
        return None
    return float(100 * (value - baseline) / (target - baseline))


def indicator_figures(nomination: Nomination) -> list[IndicatorFigure]:
    """Each indicator of the project with its latest confirmed figure and its achievement."""
    indicators = list(nomination.project.indicators.all())
    latest = {}
    confirmed = IndicatorMeasurement.objects.filter(
        indicator__in=indicators, review=Review.CONFIRMED
    ).order_by("indicator", "period", "pk")
    for measurement in confirmed:
        latest[measurement.indicator_id] = measurement
    figures = []
    for indicator in indicators:
        m = latest.get(indicator.pk)
        value = m.value if m else None
        figures.append(
            IndicatorFigure(
                name=indicator.name,
                unit=indicator.unit,
                baseline=indicator.baseline,
                target=indicator.target,
                direction=str(indicator.get_direction_display()),
                latest=value,
                period=m.period if m else None,
                achievement=achievement(indicator.baseline, indicator.target, value),
            )
        )
    return figures


def satisfaction(nomination: Nomination) -> dict:
    """The public's ratings (1–5) of the project by QR code: how many, the mean and the share
    of 4 or 5 stars."""
    figures = Ticket.objects.filter(project=nomination.project_id, rating__isnull=False).aggregate(
        rated=Count("pk"), mean=Avg("rating"), satisfied=Count("pk", filter=Q(rating__gte=4))
    )
    rated = figures["rated"]
    return {
        "rated": rated,
        "mean": figures["mean"],
        "satisfied_share": 100 * figures["satisfied"] / rated if rated else None,
    }


# -- The portal ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    """One of the published ten best, with nothing that is not public."""

    rank: int
    title: str
    unit: str
    citation: str
    year: int
    round_name: str
    project_id: int


def published_top_ten() -> list[PublicEntry]:
    """The top ten of the latest round whose ten are published (empty when none is), in
    rank order: for the portal's home page and the public top-ten page."""
    latest = (
        EvaluationRound.objects.filter(status=EvaluationRound.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
    return published_entries(latest) if latest else []


def published_entries(round_: EvaluationRound) -> list[PublicEntry]:
    if round_.status != EvaluationRound.Status.PUBLISHED:
        return []
    entries = TopTenEntry.objects.filter(round=round_).select_related(
        "nomination__project__implementing_unit"
    )
    return [
        PublicEntry(
            rank=e.rank,
            title=e.nomination.project.title,
            unit=e.nomination.project.implementing_unit.name,
            citation=e.citation,
            year=round_.year,
            round_name=round_.name,
            project_id=e.nomination.project_id,
        )
        for e in entries.order_by("rank")
    ]


def published_rounds():
    return EvaluationRound.objects.filter(status=EvaluationRound.Status.PUBLISHED).order_by(
        "-published_at", "-pk"
    )
