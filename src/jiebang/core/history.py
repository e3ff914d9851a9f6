"""Reading django-simple-history records as "who, when, what changed" rows."""

import heapq
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.apps import apps
from simple_history.models import HistoricalChanges


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryRow:
    date: datetime
    user: object
    kind: str  # "+", "~", "-"
    model_label: str
    object_repr: str
    object_id: object
    changes: list[Change]


def audited_models():
    """Our domain models that keep history, as (historical model, label) pairs."""
    found = []
    for model in apps.get_models():
        if (
            issubclass(model, HistoricalChanges)
            and model.__module__.startswith("jiebang.")
            and hasattr(model, "instance_type")
            and any(f.name == "history_date" for f in model._meta.fields)  # not m2m tables
        ):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def _changes(record) -> list[Change]:
    previous = record.prev_record
    if record.history_type != "~" or previous is None:
        return []
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    rows = []
    for change in delta.changes:
        field = record.instance_type._meta.get_field(change.field)
        rows.append(
            Change(
                str(field.verbose_name), _display(field, change.old), _display(field, change.new)
            )
        )
    return rows


def _display(field, value):
    """Choice labels instead of codes; related rows by name; m2m lists as names."""
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if field.many_to_many and isinstance(value, list):
        model = field.related_model
        ids = [row.get(model._meta.model_name) for row in value if isinstance(row, dict)]
        ids = [getattr(i, "pk", i) for i in ids]
        return "、".join(str(o) for o in model.objects.filter(pk__in=ids)) or "—"
    if hasattr(value, "_meta") and hasattr(value, "pk"):  # a historical FK target
        try:
            return str(value)
        except Exception:  # deleted since
            return f"#{value.pk}"
    return value


def to_row(record) -> HistoryRow:
    model = record.instance_type
    return HistoryRow(
        date=record.history_date,
        user=record.history_user,
        kind=record.history_type,
        model_label=str(model._meta.verbose_name),
        object_repr=str(record.instance),
        object_id=record.instance.pk,
        changes=_changes(record),
    )


def object_history(obj, limit=50) -> list[HistoryRow]:
    records = obj.history.select_related("history_user").order_by("-history_date")[:limit]
    return [to_row(r) for r in records]


def search(*, models, user_query="", date_from=None, date_to=None, kind="", offset=0, limit=50):
    """Newest-first history rows across `models`, merged from one query per model."""
    streams = []
    for model in models:
        qs = model.objects.select_related("history_user").order_by("-history_date")
        if user_query:
            qs = qs.filter(history_user__username__icontains=user_query)
        if date_from:
            qs = qs.filter(history_date__date__gte=date_from)
        if date_to:
            qs = qs.filter(history_date__date__lte=date_to)
        if kind:
            qs = qs.filter(history_type=kind)
        streams.append(qs[: offset + limit + 1].iterator())
    merged = heapq.merge(*streams, key=lambda r: r.history_date, reverse=True)
    records = list(islice(merged, offset, offset + limit + 1))
    return [to_row(r) for r in records[:limit]], len(records) > limit
