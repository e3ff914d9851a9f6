"""What the impact pages and the cockpit read: the effect of each indicator of a project (on
its confirmed ledger figures) or of an adoption (on the adopter's own values), the spread of
a promoted model across its adopters, and the reach counts."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiebang.ledger.models import IndicatorMeasurement
from jiebang.projects.models import Indicator, Project

from . import effect as fx
from .models import Adoption, AdoptionValue, Intervention, Promotion, ReachRecord

VERDICT_LABELS = {
    fx.Verdict.IMPROVED: gettext_lazy("Improved"),
    fx.Verdict.WORSENED: gettext_lazy("Worsened"),
    fx.Verdict.UNCLEAR: gettext_lazy("No significant change"),
    fx.Verdict.NO_DATA: gettext_lazy("Insufficient data"),
}
VERDICT_COLOURS = {
    fx.Verdict.IMPROVED: "success",
    fx.Verdict.WORSENED: "danger",
    fx.Verdict.UNCLEAR: "secondary",
    fx.Verdict.NO_DATA: "light",
}


def reason_text(reason, n_before: int = 0, n_after: int = 0) -> str:
    """Why a figure is not given, for the page (beside 数据不足)."""
    if reason is None:
        return ""
    R = fx.Reason
    if reason == R.TOO_FEW_BEFORE:
        return _("Figures before the intervention: %(n)d; at least %(min)d are needed.") % {
            "n": n_before,
            "min": fx.MIN_SIDE,
        }
    if reason == R.TOO_FEW_AFTER:
        return _("Figures after the intervention: %(n)d; at least %(min)d are needed.") % {
            "n": n_after,
            "min": fx.MIN_SIDE,
        }
    if reason == R.TOO_FEW_POINTS:
        return _("Figures in all: %(n)d; the segmented regression needs at least %(min)d.") % {
            "n": n_before + n_after,
            "min": fx.MIN_SEGMENTED,
        }
    if reason == R.NO_VARIATION:
        return _("The figures do not vary, so no interval can be estimated.")
    if reason == R.DATES_TOO_CLOSE:
        return _("The figures of one side share a single date, so no trend can be fitted.")
    return _("No intervention date: the project has no start date.")


NO_DATE = "no_date"


@dataclass
class IndicatorEffect:
    """One indicator's effect for one subject (the project's unit, or an adopter)."""

    indicator: Indicator
    subject: str
    intervention: date | None
    effect: fx.Effect | None
    project: Project | None = None
    adoption: Adoption | None = None

    @property
    def direction(self) -> str:
        return self.indicator.direction

    @property
    def lower_is_better(self) -> bool:
        return self.indicator.direction == Indicator.Direction.DOWN

    @property
    def comparison(self) -> fx.Comparison | None:
        return self.effect.comparison if self.effect else None

    @property
    def segmented(self) -> fx.Segmented | None:
        return self.effect.segmented if self.effect else None

    @property
    def enough(self) -> bool:
        return bool(self.effect and self.effect.enough)

    @property
    def n_before(self) -> int:
        return self.comparison.n_before if self.comparison else 0

    @property
    def n_after(self) -> int:
        return self.comparison.n_after if self.comparison else 0

    @property
    def has_both_sides(self) -> bool:
        return self.n_before > 0 and self.n_after > 0

    @property
    def reason(self) -> str:
        if self.effect is None:
            return reason_text(NO_DATE)
        return reason_text(self.effect.reason, self.n_before, self.n_after)

    @property
    def segmented_reason(self) -> str:
        if self.effect is None:
            return reason_text(NO_DATE)
        s = self.effect.segmented
        return reason_text(s.reason, s.n_before, s.n_after)

    def _verdict(self, interval) -> dict:
        verdict = fx.verdict(interval, self.direction)
        return {
            "code": verdict.value,
            "label": VERDICT_LABELS[verdict],
            "colour": VERDICT_COLOURS[verdict],
        }

    @property
    def verdict(self) -> dict:
        return self._verdict(self.comparison.difference if self.comparison else None)

    @property
    def level_verdict(self) -> dict:
        return self._verdict(self.segmented.level_change if self.segmented else None)

    @property
    def slope_verdict(self) -> dict:
        return self._verdict(self.segmented.slope_change if self.segmented else None)


def _measure(points, intervention) -> fx.Effect | None:
    return fx.measure(points, intervention) if intervention else None


# Projects


@dataclass(frozen=True)
class InterventionDate:
    """The date a project's effect is measured from: the city's choice (`chosen`, with its
    reason) or else the project's start date."""

    date: date | None
    chosen: Intervention | None


def intervention_of(project: Project) -> InterventionDate:
    chosen = Intervention.objects.filter(project=project).select_related("set_by").first()
    return _intervention(project, chosen)


def _intervention(project: Project, chosen: Intervention | None) -> InterventionDate:
    if chosen is not None:
        return InterventionDate(chosen.date, chosen)
    return InterventionDate(project.start_date, None)


def confirmed_series(indicator_ids) -> dict[int, list[tuple[date, float]]]:
    """Each indicator's confirmed ledger figures as (period, value), in period order."""
    series: dict[int, list[tuple[date, float]]] = defaultdict(list)
    rows = (
        IndicatorMeasurement.objects.confirmed()
        .filter(indicator__in=list(indicator_ids))
        .order_by("indicator", "period")
        .values_list("indicator_id", "period", "value")
    )
    for indicator_id, period, value in rows:
        series[indicator_id].append((period, float(value)))
    return series


def project_effects(project: Project) -> tuple[InterventionDate, list[IndicatorEffect]]:
    """Every indicator of the project measured from its intervention date."""
    when = intervention_of(project)
    indicators = list(project.indicators.all())
    series = confirmed_series(i.pk for i in indicators)
    subject = str(project.implementing_unit or project)
    return when, [
        IndicatorEffect(i, subject, when.date, _measure(series.get(i.pk, []), when.date), project)
        for i in indicators
    ]


def programme_effects(projects) -> list[IndicatorEffect]:
    """The effect of every indicator of `projects` (a queryset) with confirmed figures on both
    sides of its project's intervention date: those with a figure first, then by project code.
    Four queries."""
    projects = {p.pk: p for p in projects.select_related("implementing_unit")}
    chosen = {i.project_id: i for i in Intervention.objects.filter(project__in=list(projects))}
    indicators = list(
        Indicator.objects.filter(project__in=list(projects)).order_by("project", "pk")
    )
    series = confirmed_series(i.pk for i in indicators)
    rows = []
    for indicator in indicators:
        project = projects[indicator.project_id]
        when = _intervention(project, chosen.get(project.pk)).date
        points = series.get(indicator.pk, [])
        if (
            when is None
            or not any(d < when for d, _v in points)
            or not any(d >= when for d, _v in points)
        ):
            continue
        subject = str(project.implementing_unit or "—")
        rows.append(IndicatorEffect(indicator, subject, when, fx.measure(points, when), project))
    # Indicators with a figure first: the page leads with what can be said.
    rows.sort(key=lambda r: (not r.enough, r.project.code, r.indicator.pk))
    return rows


# Adoptions


def adoption_series(adoptions) -> dict[tuple[int, int], list[tuple[date, float]]]:
    """(adoption id, indicator id) → the adopter's values as (month, value), in order."""
    series: dict[tuple[int, int], list[tuple[date, float]]] = defaultdict(list)
    rows = (
        AdoptionValue.objects.filter(adoption__in=[a.pk for a in adoptions])
        .order_by("adoption", "indicator", "period")
        .values_list("adoption_id", "indicator_id", "period", "value")
    )
    for adoption_id, indicator_id, period, value in rows:
        series[(adoption_id, indicator_id)].append((period, float(value)))
    return series


def adoption_effects(adoption: Adoption) -> list[IndicatorEffect]:
    """Each source indicator measured on the adopter's values from its adoption date."""
    indicators = list(adoption.promotion.project.indicators.all())
    series = adoption_series([adoption])
    return [
        IndicatorEffect(
            i,
            adoption.institution.name,
            adoption.adopted_on,
            _measure(series.get((adoption.pk, i.pk), []), adoption.adopted_on),
            adoption=adoption,
        )
        for i in indicators
    ]


@dataclass
class SpreadBlock:
    """One source indicator: the source's effect first, then each adopter's."""

    indicator: Indicator
    source: IndicatorEffect
    adopters: list[IndicatorEffect]
    source_points: list[tuple[date, float]]
    adopter_points: dict[int, list[tuple[date, float]]]

    @property
    def rows(self) -> list[IndicatorEffect]:
        return [self.source, *self.adopters]

    @property
    def improved(self) -> int:
        """How many adopters show a significant improvement."""
        return sum(1 for r in self.adopters if r.verdict["code"] == fx.Verdict.IMPROVED)


def spread(promotion: Promotion, adoptions=None) -> list[SpreadBlock]:
    """The promoted model's effect at its source and at every adopter, indicator by indicator,
    so the spread is measured on the same yardstick."""
    project = promotion.project
    when = intervention_of(project)
    if adoptions is None:
        adoptions = list(promotion.adoptions.select_related("institution"))
    indicators = list(project.indicators.all())
    source_series = confirmed_series(i.pk for i in indicators)
    adopted = adoption_series(adoptions)
    subject = str(project.implementing_unit or project)
    blocks = []
    for indicator in indicators:
        points = source_series.get(indicator.pk, [])
        source = IndicatorEffect(
            indicator, subject, when.date, _measure(points, when.date), project
        )
        rows = [
            IndicatorEffect(
                indicator,
                a.institution.name,
                a.adopted_on,
                _measure(adopted.get((a.pk, indicator.pk), []), a.adopted_on),
                adoption=a,
            )
            for a in adoptions
        ]
        blocks.append(
            SpreadBlock(
                indicator,
                source,
                rows,
                points,
                {a.pk: adopted.get((a.pk, indicator.pk), []) for a in adoptions},
            )
        )
    return blocks


# Reach (示范辐射): the cockpit's figures


def reach_counts(records=None) -> dict:
    """Reach records counted per kind and per year, for the cockpit and the reach page:

    {"total": 273, "by_kind": {"media": 108, "speech": 56, "delegation": 109},
     "by_year": [{"year": 2025, "media": 50, "speech": 30, "delegation": 40, "total": 120}, …]}

    Every kind appears (0 when none), years ascending; `records` narrows the count to a
    queryset of ReachRecord (default: all, the city's own figures). One query."""
    records = ReachRecord.objects.all() if records is None else records
    kinds = list(ReachRecord.Kind.values)
    by_kind = dict.fromkeys(kinds, 0)
    years: dict[int, dict[str, int]] = {}
    rows = (
        records.order_by()
        .annotate(year=ExtractYear("date"))
        .values("year", "kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        by_kind[row["kind"]] += row["n"]
        years.setdefault(row["year"], dict.fromkeys(kinds, 0))[row["kind"]] += row["n"]
    return {
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
        "by_year": [
            {"year": year, **counts, "total": sum(counts.values())}
            for year, counts in sorted(years.items())
        ],
    }


def reach_table(counts: dict) -> dict:
    """reach_counts() laid out for a page: each kind with its label, and the years' rows."""
    kinds = ReachRecord.Kind.choices
    return {
        "kinds": [
            {"code": code, "label": label, "n": counts["by_kind"][code]} for code, label in kinds
        ],
        "years": [
            {
                "year": row["year"],
                "cells": [row[code] for code, _label in kinds],
                "total": row["total"],
            }
            for row in counts["by_year"]
        ],
        "labels": [label for _code, label in kinds],
        "total": counts["total"],
    }
