"""The work queue (待办) of one user, read from every registered Kind through one set of
columns, so that filtering, sorting, counting and paging happen in one SQL query."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import CharField, Count, DateField, F, IntegerField, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from .registry import KINDS, Kind, kinds

SOON_DAYS = 3  # "due within 3 days" (SPEC X.4)
NO_DUE = date(9999, 12, 31)  # sorts last on every database
COLUMNS = ("w_kind", "w_pk", "w_link", "w_title", "w_due", "w_project", "w_unit")
SORTS = {
    "due": ("w_due", "w_kind", "w_pk"),
    "-due": ("-w_due", "w_kind", "w_pk"),
    "kind": ("w_kind", "w_due", "w_pk"),
    "project": ("w_project", "w_due", "w_pk"),
}


@dataclass
class Filters:
    kinds: list[str] = field(default_factory=list)  # empty: every kind
    county: object = None  # Region
    unit: int | None = None
    project: int | None = None
    due: str = ""  # "", "overdue", "soon", "later", "none"


def _column(path, output):
    """The column at `path`, or a typed NULL (PostgreSQL types a bare NULL as text in a
    DISTINCT part of a UNION, which then does not match the other parts' integers)."""
    return F(path) if path else Cast(Value(None), output)


def rows_of(kind: Kind, queryset, columns=COLUMNS):
    """The kind's records as queue rows (every kind has the same columns)."""
    due = Coalesce(F(kind.due), Value(NO_DUE)) if kind.due else Value(NO_DUE)
    return (
        queryset.order_by()
        .annotate(
            w_kind=Value(kind.key, output_field=CharField()),
            w_pk=F("pk"),
            w_link=F(kind.link_arg),
            w_title=Cast(F(kind.title), CharField()),
            w_due=Cast(due, DateField()),
            w_project=_column(kind.project, IntegerField()),
            w_unit=_column(kind.unit, IntegerField()),
        )
        .values(*columns)
    )


def _due_condition(kind: Kind, which: str, today) -> Q:
    """Rows of a kind with a due date that are overdue, due within SOON_DAYS, due later, or
    without a date (the deadline filter and the per-kind counts alike)."""
    soon = today + timedelta(days=SOON_DAYS)
    return {
        "overdue": Q(**{f"{kind.due}__lt": today}),
        "soon": Q(**{f"{kind.due}__gte": today, f"{kind.due}__lte": soon}),
        "later": Q(**{f"{kind.due}__gt": soon}),
        "none": Q(**{f"{kind.due}__isnull": True}),
    }[which]


def _filtered(kind: Kind, queryset, filters: Filters, today):
    if filters.county is not None:
        if not kind.region_path:
            return queryset.none()
        queryset = queryset.filter(**{f"{kind.region_path}__path__startswith": filters.county.path})
    if filters.unit:
        if not kind.unit:
            return queryset.none()
        queryset = queryset.filter(**{kind.unit: filters.unit})
    if filters.project:
        if not kind.project:
            return queryset.none()
        queryset = queryset.filter(**{kind.project: filters.project})
    if filters.due:
        if not kind.due:
            return queryset if filters.due == "none" else queryset.none()
        queryset = queryset.filter(_due_condition(kind, filters.due, today))
    return queryset


def _selected(filters: Filters | None):
    chosen = set(filters.kinds) if filters and filters.kinds else None
    return [k for k in kinds() if chosen is None or k.key in chosen]


def queue(
    user, filters: Filters | None = None, sort: str | None = "due", columns=COLUMNS, distinct=False
):
    """The user's pending work as one queryset of rows (dicts with `columns`), sorted (unless
    `sort` is None); None when no kind applies. Never test it for truth (that fetches every
    row): compare with None."""
    today = timezone.localdate()
    parts = [
        rows_of(kind, _filtered(kind, kind.pending(user), filters or Filters(), today), columns)
        for kind in _selected(filters)
    ]
    if distinct:
        parts = [part.distinct() for part in parts]
    if not parts:
        return None
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by(*SORTS.get(sort, SORTS["due"])) if sort else combined


def subjects(user) -> tuple[set, set]:
    """The units and the projects the user's pending work concerns (the filters' options)."""
    rows = queue(user, sort=None, columns=("w_unit", "w_project"), distinct=True)
    if rows is None:
        return set(), set()
    pairs = {(row["w_unit"], row["w_project"]) for row in rows}
    return {u for u, _p in pairs if u}, {p for _u, p in pairs if p}


def total(user) -> int:
    """The badge: how many things wait for this user, in one query."""
    rows = queue(user)
    return rows.count() if rows is not None else 0


@dataclass
class KindCount:
    kind: Kind
    total: int
    overdue: int
    soon: int

    @property
    def url(self) -> str:
        return f"{reverse('workbench:queue')}?kind={self.kind.key}"


def counts(user, filters: Filters | None = None) -> list[KindCount]:
    """Per kind: how many, how many overdue and how many due within SOON_DAYS (within the
    filters, when given); the most urgent kinds first, kinds with nothing left out."""
    today = timezone.localdate()
    found = []
    for kind in _selected(filters):
        queryset = _filtered(kind, kind.pending(user), filters or Filters(), today).order_by()
        aggregates = {"total": Count("pk")}
        if kind.due:
            for which in ("overdue", "soon"):
                aggregates[which] = Count("pk", filter=_due_condition(kind, which, today))
        figures = queryset.aggregate(**aggregates)
        if figures["total"]:
            found.append(
                KindCount(kind, figures["total"], figures.get("overdue", 0), figures.get("soon", 0))
            )
    return sorted(found, key=lambda c: (-c.overdue, -c.soon, c.kind.order, c.kind.key))


def link(row: dict) -> str:
    return reverse(KINDS[row["w_kind"]].link, args=[row["w_link"]])
