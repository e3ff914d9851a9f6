"""Reading django-simple-history records as "who, when, what changed" rows."""

import heapq
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


def _changes(record, sealed=frozenset()) -> list[Change]:
    previous = record.prev_record
    if record.history_type != "~" or previous is None:
        return []
    # Keys, not objects: simple-history shows an empty key as "Deleted <model> (pk=None)".
    delta = record.diff_against(previous, foreign_keys_are_objs=False)
    rows = []
    for change in delta.changes:
        field = record.instance_type._meta.get_field(change.field)
        if change.field in sealed:
            rows.append(Change(str(field.verbose_name), SEALED, SEALED))
            continue
        rows.append(
            Change(
                str(field.verbose_name), _display(field, change.old), _display(field, change.new)
            )
        )
    return rows


EMPTY = "—"
SEALED = gettext_lazy("not disclosed")


def _display(field, value):
    """What a reader understands: choice labels instead of codes, related rows by name (or
    "deleted …" when they are gone), lists joined with 、, yes/no, and — for nothing."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field.many_to_many:
        return _m2m_display(field, value)
    if field.is_relation:
        return _related(field.related_model, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    hinted = getattr(field.model, "HISTORY_CHOICES", {}).get(field.name, ())
    labels = dict(field.flatchoices or hinted)
    if isinstance(value, list):  # JSON lists: tags, or codes
        return "、".join(str(labels.get(i, i)) for i in value if isinstance(i, str | int))
    if isinstance(value, str | int):
        return labels.get(value, value)
    return value


def _related(model, pk):
    found = model._base_manager.filter(pk=pk).first()
    if found is None:
        return _("deleted %(record)s #%(pk)s") % {"record": model._meta.verbose_name, "pk": pk}
    return str(found)


def _m2m_display(field, rows):
    """The related rows of an m2m change, given as through-table rows of keys."""
    if not isinstance(rows, list):
        return rows
    model = field.related_model
    through = field.remote_field.through._meta.fields
    key = next(f.name for f in through if f.related_model is model)
    ids = [row.get(key) for row in rows if isinstance(row, dict)]
    names = {o.pk: str(o) for o in model._base_manager.filter(pk__in=ids)}
    return "、".join(names[i] if i in names else _related(model, i) for i in ids) or EMPTY


def _repr(instance) -> str:
    """A record's name; one that names a row deleted since falls back to its key."""
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{instance._meta.verbose_name} #{instance.pk}"


def to_row(record, sealed=frozenset()) -> HistoryRow:
    model = record.instance_type
    return HistoryRow(
        date=record.history_date,
        user=record.history_user,
        kind=record.history_type,
        model_label=str(model._meta.verbose_name),
        object_repr=_repr(record.instance),
        object_id=record.instance.pk,
        changes=_changes(record, sealed),
    )


def object_history(obj, limit=50, sealed=()) -> list[HistoryRow]:
    """The newest `limit` changes of `obj`. The values of the `sealed` fields are not shown
    (who reviews a blind screening or competition): the row says the field changed, not to
    what."""
    records = obj.history.select_related("history_user").order_by("-history_date")[:limit]
    return [to_row(r, frozenset(sealed)) for r in records]


# search() merges every model's newest rows up to the page, so a deep page costs as many rows
# per model: pages of PAGE_SIZE rows, the last one offered is MAX_PAGE (the 50,000th row; a
# huge number never reaches SQL). The audit log and the workbench's 已办 read it so.
PAGE_SIZE = 50
MAX_PAGE = 1000


def search(
    *,
    models,
    user_query="",
    user=None,
    date_from=None,
    date_to=None,
    kind="",
    offset=0,
    limit=50,
):
    """Newest-first history rows across `models`, merged from one query per model; `user`
    keeps one person's changes (what they handled: the workbench's 已办)."""
    streams = []
    for model in models:
        qs = model.objects.select_related("history_user").order_by("-history_date")
        if user is not None:
            qs = qs.filter(history_user=user)
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
