"""Read-side queries of stage 1: filtering items and the heatmap's aggregates."""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jiebang.orgs.models import Institution, Region

from .models import Category

AXES = ("county", "institution", "month")


def _aware(day, end=False):
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment)


def filter_feedback(
    queryset,
    *,
    q="",
    channel="",
    category=None,
    county=None,
    institution=None,
    month="",
    start=None,
    end=None,
    **_ignored,
):
    if q:
        queryset = queryset.filter(text__icontains=q)
    if channel:
        queryset = queryset.filter(channel=channel)
    if category:
        queryset = queryset.filter(category=category)
    if county:
        queryset = queryset.filter(region=county)
    if institution:
        queryset = queryset.filter(institution=institution)
    if month:
        try:
            first = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            first = None
        if first:
            following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            queryset = queryset.filter(
                received_at__gte=_aware(first), received_at__lt=_aware(following)
            )
    if start:
        queryset = queryset.filter(received_at__gte=_aware(start))
    if end:
        queryset = queryset.filter(received_at__lt=_aware(end, end=True))
    return queryset


def heatmap(queryset, axis: str = "county", top_institutions: int = 30) -> dict:
    """Counts of category × axis as ECharts heatmap data, from one aggregate query."""
    categories = list(Category.objects.filter(is_active=True).values_list("pk", "name"))
    cat_index = {pk: i for i, (pk, _name) in enumerate(categories)}
    if axis == "month":
        rows = (
            queryset.annotate(m=TruncMonth("received_at"))
            .values("m", "category_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        keys = sorted({r["m"] for r in rows if r["m"]})
        columns = [(k.strftime("%Y-%m"), k.strftime("%Y-%m")) for k in keys]
        position = {k: i for i, k in enumerate(keys)}
        cells = [
            (position[r["m"]], cat_index[r["category_id"]], r["n"])
            for r in rows
            if r["m"] in position and r["category_id"] in cat_index
        ]
    else:
        field = "region_id" if axis == "county" else "institution_id"
        rows = list(
            queryset.exclude(**{field: None})
            .values(field, "category_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        totals: dict[int, int] = {}
        for r in rows:
            totals[r[field]] = totals.get(r[field], 0) + r["n"]
        if axis == "county":
            ordered = list(
                Region.objects.filter(kind__in=Region.COUNTY_LEVEL, pk__in=totals)
                .order_by("code")
                .values_list("pk", "name")
            )
        else:
            top = sorted(totals, key=totals.get, reverse=True)[:top_institutions]
            names = dict(Institution.objects.filter(pk__in=top).values_list("pk", "name"))
            ordered = [(pk, names[pk]) for pk in top]
        columns = [(str(pk), name) for pk, name in ordered]
        position = {pk: i for i, (pk, _name) in enumerate(ordered)}
        cells = [
            (position[r[field]], cat_index[r["category_id"]], r["n"])
            for r in rows
            if r[field] in position and r["category_id"] in cat_index
        ]
    return {
        "axis": axis,
        "columns": [label for _key, label in columns],
        "column_keys": [key for key, _label in columns],
        "categories": [name for _pk, name in categories],
        "category_ids": [pk for pk, _name in categories],
        "cells": cells,
        "max": max((c[2] for c in cells), default=0),
        "total": sum(c[2] for c in cells),
    }
