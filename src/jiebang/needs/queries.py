"""Read-side queries of stage 1: filtering items, the heatmap's aggregates and the clusters
as each user sees them."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, F, IntegerField, Max, Min, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, Region

from .models import Category, Cluster, FeedbackItem

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


@dataclass
class SeenCluster:
    """A cluster as one user sees it: counted, dated and represented by their items only."""

    cluster: Cluster
    size: int
    text: str
    last_seen: datetime | None

    @property
    def pk(self):
        return self.cluster.pk

    @property
    def category(self):
        return self.cluster.category

    @property
    def label(self) -> str:
        return f"{self.text[:80]} ({self.size})"


def clusters_seen_by(user, *, repeated_only=True, ids=None):
    """The clusters with items the user may see, biggest first, as (cluster id, size, last
    seen, first item id) rows counted over those items only: a county never learns another
    county's texts or counts. City staff see every item, so the stored figures serve them."""
    if user_scope(user).is_city:
        return _stored_rows(repeated_only=repeated_only, ids=ids)
    return _rows(FeedbackItem.objects.visible_to(user), repeated_only=repeated_only, ids=ids)


def clusters_of_proposal(proposal, user) -> list["SeenCluster"]:
    """The pain points behind a proposal as its county sees them (its reviewers see the
    county's items, not the whole city's); city staff and city-wide proposals: all items."""
    ids = list(proposal.clusters.values_list("pk", flat=True))
    if user_scope(user).is_city or proposal.region is None:
        rows = _stored_rows(repeated_only=False, ids=ids)
    else:
        items = FeedbackItem.objects.filter(region__path__startswith=proposal.region.path)
        rows = _rows(items, repeated_only=False, ids=ids)
    return seen_clusters(rows)


def _stored_rows(*, repeated_only, ids):
    rows = Cluster.objects.annotate(
        cluster_id=F("pk"),
        seen_size=F("size"),
        seen_last=F("last_seen"),
        first=Value(None, output_field=IntegerField()),
    )
    if repeated_only:
        rows = rows.filter(size__gt=1)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.values("cluster_id", "seen_size", "seen_last", "first").order_by(
        "-seen_size", "-seen_last", "cluster_id"
    )


def _rows(items, *, repeated_only, ids):
    items = items.exclude(cluster=None)
    if ids is not None:
        items = items.filter(cluster__in=ids)
    rows = items.values("cluster_id").annotate(
        seen_size=Count("pk"), seen_last=Max("received_at"), first=Min("pk")
    )
    if repeated_only:
        rows = rows.filter(seen_size__gt=1)
    return rows.order_by("-seen_size", "-seen_last", "cluster_id")


def seen_clusters(rows) -> list[SeenCluster]:
    """The rows of clusters_seen_by (a page of them) with their clusters and texts."""
    rows = list(rows)
    clusters = Cluster.objects.select_related("category").in_bulk(r["cluster_id"] for r in rows)
    texts = dict(
        FeedbackItem.objects.filter(pk__in=[r["first"] for r in rows if r["first"]]).values_list(
            "pk", "text"
        )
    )
    return [
        SeenCluster(
            cluster=clusters[r["cluster_id"]],
            size=r["seen_size"],
            text=texts.get(r["first"]) or clusters[r["cluster_id"]].representative,
            last_seen=r["seen_last"],
        )
        for r in rows
    ]
