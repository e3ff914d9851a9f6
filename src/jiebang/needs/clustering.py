"""Grouping near-duplicate complaints ("高频投诉") with MinHash LSH (datasketch).

Two items fall in one cluster when the Jaccard similarity of their character 3-gram sets is
about 0.6 or more: the same complaint re-filed, or the same text with small edits. Items are
added incrementally, so a new import only hashes its own rows.
"""

import re
import unicodedata

from datasketch import LeanMinHash, MinHash, MinHashLSH
from django.db import transaction
from django.db.models import Count, Max, Min

from .models import Cluster, FeedbackItem

NUM_PERM = 64
THRESHOLD = 0.6
_NOISE = re.compile(r"[\s\d，。、！？!?,.:：；;“”\"'（）()【】\[\]-]+")


def shingles(text: str, n: int = 3) -> set[bytes]:
    text = _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())
    if len(text) <= n:
        return {text.encode()}
    return {text[i : i + n].encode() for i in range(len(text) - n + 1)}


def minhashes(texts: list[str]) -> list[LeanMinHash]:
    return [
        LeanMinHash(m)
        for m in MinHash.bulk([list(shingles(t)) for t in texts], num_perm=NUM_PERM, seed=7)
    ]


def cluster_items(queryset=None, batch_size: int = 20000, progress=None) -> int:
    """Assign every unclustered item to a cluster; returns how many items were assigned."""
    index = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    existing = list(Cluster.objects.filter(size__gt=0).values_list("pk", "representative"))
    for start in range(0, len(existing), batch_size):
        part = existing[start : start + batch_size]
        for (pk, _text), sig in zip(part, minhashes([t for _pk, t in part]), strict=True):
            index.insert(pk, sig)
    pending = (queryset or FeedbackItem.objects.all()).filter(cluster=None).order_by("pk")
    assigned = 0
    touched = set()
    ids = list(pending.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        rows = list(
            FeedbackItem.objects.filter(pk__in=ids[start : start + batch_size]).values_list(
                "pk", "text", "category_id"
            )
        )
        signatures = minhashes([text for _pk, text, _c in rows])
        groups: dict[int, list[int]] = {}
        with transaction.atomic():
            for (pk, text, category_id), sig in zip(rows, signatures, strict=True):
                hits = index.query(sig)
                if hits:
                    cluster_id = min(hits)
                else:
                    cluster_id = Cluster.objects.create(
                        representative=text, category_id=category_id
                    ).pk
                    index.insert(cluster_id, sig)
                groups.setdefault(cluster_id, []).append(pk)
            for cluster_id, pks in groups.items():
                FeedbackItem.objects.filter(pk__in=pks).update(cluster_id=cluster_id)
        touched.update(groups)
        assigned += len(rows)
        if progress:
            progress(assigned, len(ids))
    refresh_cluster_stats(touched)
    return assigned


def refresh_cluster_stats(cluster_ids) -> None:
    ids = list(cluster_ids)
    for start in range(0, len(ids), 5000):
        stats = (
            FeedbackItem.objects.filter(cluster_id__in=ids[start : start + 5000])
            .values("cluster_id")
            .annotate(n=Count("pk"), first=Min("received_at"), last=Max("received_at"))
        )
        clusters = {c.pk: c for c in Cluster.objects.filter(pk__in=ids[start : start + 5000])}
        for row in stats:
            cluster = clusters[row["cluster_id"]]
            cluster.size, cluster.first_seen, cluster.last_seen = (
                row["n"],
                row["first"],
                row["last"],
            )
        Cluster.objects.bulk_update(clusters.values(), ["size", "first_seen", "last_seen"])
