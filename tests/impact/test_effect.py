"""effect.py on synthetic series: too little data gives no figure and says why; a known
effect is found inside the interval; no effect is never called one."""

from datetime import date

import numpy as np
import pytest
from scipy import stats

from jiebang.impact import effect as fx


def months(n, start=date(2024, 1, 1)):
    first = start.year * 12 + start.month - 1
    return [date((first + k) // 12, (first + k) % 12 + 1, 1) for k in range(n)]


def series(n_before=12, n_after=12, *, level=0.0, slope=0.0, pre_slope=0.0, sd=1.0, seed=1):
    """Monthly points around 20 with a level change `level` and a slope change `slope` from
    the intervention (the first day of month `n_before`), seeded normal noise."""
    rng = np.random.default_rng(seed)
    days = months(n_before + n_after)
    intervention = days[n_before]
    values = []
    for t, day in enumerate(days):
        after = day >= intervention
        y = 20 + pre_slope * t + (level + slope * (t - n_before) if after else 0)
        values.append(y + rng.normal(0, sd))
    return list(zip(days, values, strict=True)), intervention


# Too little data


@pytest.mark.parametrize(
    ("n_before", "n_after", "reason"),
    [
        (0, 5, fx.Reason.TOO_FEW_BEFORE),
        (2, 5, fx.Reason.TOO_FEW_BEFORE),
        (5, 2, fx.Reason.TOO_FEW_AFTER),
    ],
)
def test_tiny_samples_give_no_figure_and_say_why(n_before, n_after, reason):
    points, intervention = series(n_before, n_after)
    result = fx.measure(points, intervention)
    assert result.enough is False
    assert result.reason == reason
    assert result.comparison.difference is None and result.comparison.mean_before is None
    assert (result.comparison.n_before, result.comparison.n_after) == (n_before, n_after)
    assert result.segmented.enough is False and result.segmented.level_change is None
    assert fx.verdict(result.comparison.difference, "down") == fx.Verdict.NO_DATA


def test_no_points_at_all():
    result = fx.measure([], date(2025, 1, 1))
    assert not result.enough and result.reason == fx.Reason.TOO_FEW_BEFORE


def test_enough_for_the_comparison_but_not_the_regression():
    points, intervention = series(3, 4, level=-5)
    result = fx.measure(points, intervention)
    assert result.enough
    assert not result.segmented.enough
    assert result.segmented.reason == fx.Reason.TOO_FEW_POINTS


def test_constant_figures_have_no_interval():
    days = months(8)
    result = fx.measure([(d, 5.0) for d in days], days[4])
    assert not result.enough and result.reason == fx.Reason.NO_VARIATION
    assert not result.segmented.enough and result.segmented.reason == fx.Reason.NO_VARIATION


def test_a_side_on_a_single_date_has_no_trend():
    days = months(8)
    points = [(days[0], 10.0), (days[0], 11.0), (days[0], 10.5)]
    points += [(d, 7.0 + 0.1 * k + (k % 2) * 0.3) for k, d in enumerate(days[3:])]
    result = fx.measure(points, days[2])
    assert result.enough  # the means can be compared
    assert result.segmented.reason == fx.Reason.DATES_TOO_CLOSE


def test_values_must_be_numbers():
    with pytest.raises(ValueError):
        fx.measure([(date(2025, 1, 1), float("nan"))], date(2025, 2, 1))


# Known effects


def test_a_level_drop_of_five_is_inside_the_interval_and_significant():
    points, intervention = series(level=-5, sd=1.0, seed=7)
    result = fx.measure(points, intervention)
    d = result.comparison.difference
    assert result.enough and result.reason is None
    assert (result.comparison.n_before, result.comparison.n_after) == (12, 12)
    assert d.contains(-5)
    assert d.excludes_zero and d.high < 0
    assert result.comparison.p_value < 0.001
    assert fx.verdict(d, "down") == fx.Verdict.IMPROVED  # lower is better: an improvement
    assert fx.verdict(d, "up") == fx.Verdict.WORSENED


def test_no_change_has_an_interval_around_zero_and_is_never_called_a_change():
    points, intervention = series(level=0, sd=1.0, seed=3)
    result = fx.measure(points, intervention)
    d = result.comparison.difference
    assert result.enough
    assert d.contains(0) and not d.excludes_zero
    assert fx.verdict(d, "down") == fx.Verdict.UNCLEAR
    assert fx.verdict(d, "up") == fx.Verdict.UNCLEAR
    assert fx.verdict(result.segmented.level_change, "down") == fx.Verdict.UNCLEAR


def test_the_interval_is_welchs_as_scipy_computes_it():
    points, intervention = series(8, 5, level=-2, sd=1.5, seed=11)
    before = [v for d, v in points if d < intervention]
    after = [v for d, v in points if d >= intervention]
    result = fx.measure(points, intervention)
    expected = stats.ttest_ind(after, before, equal_var=False)
    low, high = expected.confidence_interval(0.95)
    assert result.comparison.difference.low == pytest.approx(low)
    assert result.comparison.difference.high == pytest.approx(high)
    assert result.comparison.p_value == pytest.approx(expected.pvalue)
    assert result.comparison.mean_before == pytest.approx(np.mean(before))


def test_segmented_regression_recovers_a_known_level_and_slope_change():
    points, intervention = series(12, 12, level=-5, slope=0.3, pre_slope=0.2, sd=0.5, seed=5)
    result = fx.measure(points, intervention).segmented
    assert result.enough and result.reason is None
    assert result.level_change.contains(-5) and result.level_change.excludes_zero
    assert result.slope_change.contains(0.3) and result.slope_change.excludes_zero
    assert result.slope_before.contains(0.2)
    assert len(result.fitted) == 24
    assert result.counterfactual[:12] == [None] * 12 and None not in result.counterfactual[12:]


def test_a_trend_already_under_way_is_not_taken_for_an_effect_by_the_regression():
    # A steady decline with no intervention effect: the means differ, the regression does not.
    points, intervention = series(12, 12, pre_slope=-0.5, sd=0.3, seed=9)
    result = fx.measure(points, intervention)
    assert result.comparison.difference.excludes_zero  # the naive comparison sees a "drop"
    assert result.segmented.level_change.contains(0)
    assert result.segmented.slope_change.contains(0)


def test_the_95_percent_interval_covers_the_truth_about_95_percent_of_the_time():
    covered = sum(
        fx.measure(*series(6, 6, level=-2, sd=1.0, seed=seed)).comparison.difference.contains(-2)
        for seed in range(300)
    )
    assert 0.91 <= covered / 300 <= 0.99


def test_the_month_of_a_mid_month_intervention_counts_as_before():
    days = months(10)
    points = [(d, float(k % 3)) for k, d in enumerate(days)]
    result = fx.measure(points, date(days[4].year, days[4].month, 15))
    assert (result.comparison.n_before, result.comparison.n_after) == (5, 5)
    assert fx.month_index(date(2025, 1, 1)) == 2025 * 12
    assert fx.month_index(date(2025, 1, 16)) == pytest.approx(2025 * 12 + 15 / 31)


def test_the_result_is_deterministic_and_order_free():
    points, intervention = series(level=-1, seed=2)
    assert fx.measure(points, intervention) == fx.measure(list(reversed(points)), intervention)


def test_autocorrelated_residuals_are_flagged():
    days = months(24)
    # A slow wave the straight lines cannot follow: successive residuals share their sign.
    points = [(d, 10 + 2 * np.sin(k / 3.0)) for k, d in enumerate(days)]
    result = fx.measure(points, days[12]).segmented
    assert result.enough and result.autocorrelated
