"""Effect measurement (F6.3): what changed in a dated series when an intervention began.

Free of Django (NumPy and SciPy only), so it is tested on synthetic series and can run
anywhere. Two figures, each with its own test of whether the data can carry it:

1. **Before/after comparison**: the means of the points before and on or after the
   intervention date and their difference (after − before) with a 95 % confidence interval.
   The interval is Welch's t-interval: it does not assume equal variances on both sides
   (a reform usually narrows or widens the spread as well as moving the level), it is exact
   under normal errors and close for the small samples we see (3–24 monthly figures a side),
   and it is deterministic. A bootstrap was rejected: with 3–6 points a side the percentile
   bootstrap is too narrow (it cannot see beyond the few values drawn), i.e. it would claim
   more certainty than the data hold. Needs MIN_SIDE points on each side and some variation.

2. **Segmented regression** (interrupted time series): y = b0 + b1·t + b2·D + b3·(t − t0)·D,
   with t in months since the first point, D = 1 from the intervention on and t0 the
   intervention's own time (so b2 is the jump in level at the intervention, beyond the trend
   that was already there, and b3 the change of the monthly slope). Ordinary least squares
   (numpy.linalg.lstsq), standard errors from the residual variance, 95 % intervals from
   Student's t with n − 4 degrees of freedom. Needs MIN_SIDE points on each side and
   MIN_SEGMENTED in all (so at least 4 residual degrees of freedom), dates spread enough to
   estimate both slopes, and a non-zero residual variance.

Honest reporting: a figure the data cannot support is not given (`enough=False` with a
`Reason`, which the pages show as "数据不足" with the reason, never a number); an interval
that contains 0 is never called a change (`Interval.excludes_zero`, `verdict`). The regression
assumes independent errors; monthly figures are often autocorrelated, which makes its
intervals too narrow, so the lag-1 autocorrelation of the residuals is returned for the page
to warn about (AUTOCORRELATION_WARNING). The before/after comparison ignores any trend already
under way: the segmented regression is the figure that allows for it.

Points are (date, value) pairs: a point dated before the intervention is "before", one dated
on or after it "after". A monthly figure is dated the first day of its month (the ledger's
reporting period), so the month in which an intervention begins mid-month counts as before.
"""

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
MIN_SIDE = 3  # points before and after, for either figure
MIN_SEGMENTED = 8  # points in all for the segmented regression (4 parameters)
AUTOCORRELATION_WARNING = 0.5  # |lag-1 autocorrelation of the residuals| worth a caution


class Reason(StrEnum):
    """Why a figure is not given (the pages translate it)."""

    TOO_FEW_BEFORE = "too_few_before"
    TOO_FEW_AFTER = "too_few_after"
    TOO_FEW_POINTS = "too_few_points"
    NO_VARIATION = "no_variation"
    DATES_TOO_CLOSE = "dates_too_close"


class Verdict(StrEnum):
    IMPROVED = "improved"  # the interval excludes 0, in the better direction
    WORSENED = "worsened"  # the interval excludes 0, in the worse direction
    UNCLEAR = "unclear"  # the interval contains 0: no change can be claimed
    NO_DATA = "no_data"  # no interval (数据不足)


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95 % confidence interval [low, high]."""

    estimate: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """Significant at the 5 % level: the whole interval lies on one side of 0."""
        return self.low > 0 or self.high < 0

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Comparison:
    """Before/after means and their difference (after − before), Welch's t-interval."""

    enough: bool
    reason: Reason | None
    n_before: int
    n_after: int
    mean_before: float | None = None
    mean_after: float | None = None
    difference: Interval | None = None
    p_value: float | None = None
    df: float | None = None


@dataclass(frozen=True)
class Segmented:
    """The segmented regression's level change (b2), slope change (b3, per month) and the
    slope before (b1), with the fitted values at each point and, after the intervention, the
    values the earlier trend would have given (the counterfactual)."""

    enough: bool
    reason: Reason | None
    n_before: int
    n_after: int
    level_change: Interval | None = None
    slope_change: Interval | None = None
    slope_before: Interval | None = None
    autocorrelation: float | None = None
    fitted: list[float] = field(default_factory=list)
    counterfactual: list[float | None] = field(default_factory=list)

    @property
    def autocorrelated(self) -> bool:
        return (
            self.autocorrelation is not None
            and abs(self.autocorrelation) >= AUTOCORRELATION_WARNING
        )


@dataclass(frozen=True)
class Effect:
    """Both figures for one series; `enough` and `reason` are the before/after comparison's
    (the headline figure), the segmented regression says its own."""

    intervention: date
    dates: list[date]
    values: list[float]
    comparison: Comparison
    segmented: Segmented

    @property
    def enough(self) -> bool:
        return self.comparison.enough

    @property
    def reason(self) -> Reason | None:
        return self.comparison.reason


def month_index(day: date) -> float:
    """Months since year 0, fractional within the month (the 1st is a whole number), so
    monthly figures are one apart and a mid-month intervention falls between them."""
    days = calendar.monthrange(day.year, day.month)[1]
    return day.year * 12 + (day.month - 1) + (day.day - 1) / days


def _t_interval(estimate: float, se: float, df: float) -> Interval:
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df)) * se
    return Interval(estimate, estimate - half, estimate + half)


def compare(before: Sequence[float], after: Sequence[float]) -> Comparison:
    """Welch's t-interval for mean(after) − mean(before)."""
    a = np.asarray(after, dtype=float)
    b = np.asarray(before, dtype=float)
    n_b, n_a = len(b), len(a)
    if n_b < MIN_SIDE:
        return Comparison(False, Reason.TOO_FEW_BEFORE, n_b, n_a)
    if n_a < MIN_SIDE:
        return Comparison(False, Reason.TOO_FEW_AFTER, n_b, n_a)
    mean_b, mean_a = float(b.mean()), float(a.mean())
    share_b = float(b.var(ddof=1)) / n_b
    share_a = float(a.var(ddof=1)) / n_a
    se = math.sqrt(share_a + share_b)
    if se == 0:
        # Constant on both sides: any interval would be a point, which no real series earns.
        return Comparison(False, Reason.NO_VARIATION, n_b, n_a, mean_b, mean_a)
    # Welch–Satterthwaite degrees of freedom.
    df = (share_a + share_b) ** 2 / (share_a**2 / (n_a - 1) + share_b**2 / (n_b - 1))
    difference = mean_a - mean_b
    p_value = float(2 * stats.t.sf(abs(difference) / se, df))
    return Comparison(
        True,
        None,
        n_b,
        n_a,
        mean_b,
        mean_a,
        _t_interval(difference, se, df),
        p_value,
        float(df),
    )


def segmented(dates: Sequence[date], values: Sequence[float], intervention: date) -> Segmented:
    """The segmented regression of `values` (dated `dates`) around `intervention`."""
    after = np.array([d >= intervention for d in dates], dtype=bool)
    n_a = int(after.sum())
    n_b = len(dates) - n_a
    if n_b < MIN_SIDE:
        return Segmented(False, Reason.TOO_FEW_BEFORE, n_b, n_a)
    if n_a < MIN_SIDE:
        return Segmented(False, Reason.TOO_FEW_AFTER, n_b, n_a)
    if len(dates) < MIN_SEGMENTED:
        return Segmented(False, Reason.TOO_FEW_POINTS, n_b, n_a)
    origin = month_index(min(dates))
    t = np.array([month_index(d) - origin for d in dates])
    t0 = month_index(intervention) - origin
    d = after.astype(float)
    x = np.column_stack([np.ones_like(t), t, d, (t - t0) * d])
    y = np.asarray(values, dtype=float)
    coef, _residuals, rank, _sv = np.linalg.lstsq(x, y, rcond=None)
    if rank < x.shape[1]:
        # All points of a side on one date: no slope can be fitted there.
        return Segmented(False, Reason.DATES_TOO_CLOSE, n_b, n_a)
    fitted = x @ coef
    residuals = y - fitted
    df = len(y) - x.shape[1]
    variance = float(residuals @ residuals) / df
    if variance <= 1e-12 * max(1.0, float(np.abs(y).max())) ** 2:
        # An exact fit: the standard errors would be 0 and any interval a point.
        return Segmented(False, Reason.NO_VARIATION, n_b, n_a)
    se = np.sqrt(np.diag(variance * np.linalg.inv(x.T @ x)))
    previous, current = residuals[:-1], residuals[1:]
    scale = float(residuals @ residuals)
    autocorrelation = float(previous @ current) / scale if scale else None
    trend = coef[0] + coef[1] * t
    return Segmented(
        True,
        None,
        n_b,
        n_a,
        level_change=_t_interval(float(coef[2]), float(se[2]), df),
        slope_change=_t_interval(float(coef[3]), float(se[3]), df),
        slope_before=_t_interval(float(coef[1]), float(se[1]), df),
        autocorrelation=autocorrelation,
        fitted=[float(v) for v in fitted],
        counterfactual=[
            float(c) if a else None for c, a in zip(trend, after.tolist(), strict=True)
        ],
    )


def measure(points: Iterable[tuple[date, float]], intervention: date) -> Effect:
    """Both figures for a series of (date, value) points (any order; sorted here)."""
    ordered = sorted((day, float(value)) for day, value in points)
    for _day, value in ordered:
        if not math.isfinite(value):
            raise ValueError("values must be finite numbers")
    dates = [day for day, _value in ordered]
    values = [value for _day, value in ordered]
    before = [v for day, v in ordered if day < intervention]
    after = [v for day, v in ordered if day >= intervention]
    return Effect(
        intervention=intervention,
        dates=dates,
        values=values,
        comparison=compare(before, after),
        segmented=segmented(dates, values, intervention),
    )


def verdict(interval: Interval | None, direction: str) -> Verdict:
    """What an interval says about an indicator where `direction` ("up" or "down") is better:
    a change only when the interval excludes 0."""
    if interval is None:
        return Verdict.NO_DATA
    if not interval.excludes_zero:
        return Verdict.UNCLEAR
    better = interval.estimate < 0 if direction == "down" else interval.estimate > 0
    return Verdict.IMPROVED if better else Verdict.WORSENED
