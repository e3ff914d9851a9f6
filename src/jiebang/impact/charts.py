"""The data behind the effect and spread charts (static/js/impact-effect.js): each chart is a
list of lines over time, the intervention date drawn as a vertical line, and — when the data
carry them — the before and after means and the segmented regression's fitted segments with
the trend the series would have kept (the counterfactual). Names reach the page's JSON as
data; the script escapes them before they reach a tooltip's HTML."""

from django.utils.translation import gettext as _

from .queries import IndicatorEffect, SpreadBlock


def _iso(day) -> str:
    return day.isoformat()


def labels() -> dict[str, str]:
    return {
        "intervention": _("Intervention"),
        "before_mean": _("Mean before"),
        "after_mean": _("Mean after"),
        "fitted": _("Segmented regression"),
        "counterfactual": _("Earlier trend continued"),
    }


def _overlays(row: IndicatorEffect) -> dict:
    """Means (when the comparison has figures) and fitted segments (when the regression has)."""
    effect = row.effect
    if effect is None or not effect.dates:
        return {"means": [], "fitted": [], "counterfactual": []}
    names = labels()
    comparison, model = effect.comparison, effect.segmented
    before = [d for d in effect.dates if d < effect.intervention]
    after = [d for d in effect.dates if d >= effect.intervention]
    means = []
    if comparison.enough:
        means = [
            {
                "name": names["before_mean"],
                "points": [
                    [_iso(before[0]), comparison.mean_before],
                    [_iso(before[-1]), comparison.mean_before],
                ],
            },
            {
                "name": names["after_mean"],
                "points": [
                    [_iso(after[0]), comparison.mean_after],
                    [_iso(after[-1]), comparison.mean_after],
                ],
            },
        ]
    fitted, counterfactual = [], []
    if model.enough:
        pairs = list(zip(effect.dates, model.fitted, strict=True))
        fitted = [
            {
                "name": names["fitted"],
                "points": [[_iso(d), v] for d, v in pairs if d < effect.intervention],
            },
            {
                "name": names["fitted"],
                "points": [[_iso(d), v] for d, v in pairs if d >= effect.intervention],
            },
        ]
        counterfactual = [
            [_iso(d), v]
            for d, v in zip(effect.dates, model.counterfactual, strict=True)
            if v is not None
        ]
    return {"means": means, "fitted": fitted, "counterfactual": counterfactual}


def effect_chart(row: IndicatorEffect) -> dict:
    """One indicator of one subject: its values, the intervention line and the overlays."""
    points = list(zip(row.effect.dates, row.effect.values, strict=True)) if row.effect else []
    return {
        "name": row.indicator.name,
        "unit": row.indicator.unit,
        "intervention": _iso(row.intervention) if row.intervention else None,
        "lines": [{"name": row.subject, "main": True, "points": [[_iso(d), v] for d, v in points]}],
        **_overlays(row),
    }


def effects_data(rows: list[IndicatorEffect]) -> dict:
    return {"labels": labels(), "charts": [effect_chart(row) for row in rows]}


def adoption_chart(row: IndicatorEffect, source_points) -> dict:
    """An adopter's values beside the source project's, from the adoption date."""
    chart = effect_chart(row)
    chart["lines"].append(
        {
            "name": _("Source project"),
            "main": False,
            "points": [[_iso(d), v] for d, v in source_points],
        }
    )
    return chart


def spread_data(blocks: list[SpreadBlock]) -> dict:
    """Per source indicator: the source's line (thick) and each adopter's."""
    charts = []
    for block in blocks:
        lines = [
            {
                "name": block.source.subject,
                "main": True,
                "points": [[_iso(d), v] for d, v in block.source_points],
            }
        ]
        for row in block.adopters:
            lines.append(
                {
                    "name": row.subject,
                    "main": False,
                    "points": [[_iso(d), v] for d, v in block.adopter_points[row.adoption.pk]],
                }
            )
        charts.append(
            {
                "name": block.indicator.name,
                "unit": block.indicator.unit,
                "intervention": _iso(block.source.intervention)
                if block.source.intervention
                else None,
                "lines": lines,
                "means": [],
                "fitted": [],
                "counterfactual": [],
            }
        )
    return {"labels": labels(), "charts": charts}
