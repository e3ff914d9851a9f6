"""Each unit's points of a year, computed from the records whenever they are asked for.

A *point source* turns the records of one rule kind into rows (unit, project, count, evidence,
date) with one aggregate query; the active rule of that kind gives the points per count. Nothing
is stored, so approving a claim or changing a rule changes the table at once.

Points go to the project's implementing unit as it is now. Records of a project withdrawn since
(claim, assignment) no longer count; a completion counts only for a project with an end date.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, F, Max
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Claim, Project, StatusChange

from .models import PointRule, Recognition

Kind = PointRule.Kind


class SourceRow(NamedTuple):
    """Records of one kind for one unit and project: how many, why, and when (the latest)."""

    institution_id: int
    project_id: int | None
    count: int
    evidence: str
    date: datetime.date | None = None


Source = Callable[[int], Iterable[SourceRow]]
SOURCES: dict[str, Source] = {}


def register_source(kind: str, source: Source) -> None:
    """Make a rule kind computable: `source(year)` returns its SourceRows of that year."""
    SOURCES[kind] = source


def is_available(kind: str) -> bool:
    return kind in SOURCES


def day_of(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def live(queryset, project="project"):
    """Records of projects that have a unit and were not withdrawn since."""
    return queryset.filter(**{f"{project}__implementing_unit__isnull": False}).exclude(
        **{f"{project}__status": Project.Status.WITHDRAWN}
    )


def claims_approved(year: int) -> Iterable[SourceRow]:
    """点单: claims the city approved in the year, to the claimant unit."""
    rows = (
        live(Claim.objects.filter(status=Claim.Status.APPROVED, decided_at__year=year))
        .values("claimant_unit_id", "project_id")
        .annotate(n=Count("pk"), last=Max("decided_at"))
    )
    for row in rows:
        yield SourceRow(
            row["claimant_unit_id"],
            row["project_id"],
            row["n"],
            _("Claim approved by the city"),
            day_of(row["last"]),
        )


def _changes_to(status, year):
    return live(StatusChange.objects.filter(to_status=status, changed_at__year=year))


def projects_assigned(year: int) -> Iterable[SourceRow]:
    """派单: projects that reached “assigned” in the year, to their implementing unit."""
    rows = (
        _changes_to(Project.Status.ASSIGNED, year)
        .values("project__implementing_unit_id", "project_id")
        .annotate(n=Count("pk"), last=Max("changed_at"))
    )
    for row in rows:
        yield SourceRow(
            row["project__implementing_unit_id"],
            row["project_id"],
            row["n"],
            _("Project assigned to the unit (派单)"),
            day_of(row["last"]),
        )


def _completions(year: int, *, on_time: bool):
    changes = (
        _changes_to(Project.Status.COMPLETED, year)
        .filter(project__end_date__isnull=False)
        .annotate(day=TruncDate("changed_at"))
    )
    lookup = "day__lte" if on_time else "day__gt"
    return (
        changes.filter(**{lookup: F("project__end_date")})
        .values("project__implementing_unit_id", "project_id", "project__end_date")
        .annotate(n=Count("pk"), last=Max("changed_at"))
    )


def completed_on_time(year: int) -> Iterable[SourceRow]:
    """Projects completed in the year on or before their end date."""
    for row in _completions(year, on_time=True):
        yield SourceRow(
            row["project__implementing_unit_id"],
            row["project_id"],
            row["n"],
            _("Completed by the end date %(due)s") % {"due": row["project__end_date"]},
            day_of(row["last"]),
        )


def completed_late(year: int) -> Iterable[SourceRow]:
    """Projects completed in the year after their end date."""
    for row in _completions(year, on_time=False):
        day = day_of(row["last"])
        late = (day - row["project__end_date"]).days
        yield SourceRow(
            row["project__implementing_unit_id"],
            row["project_id"],
            row["n"],
            ngettext(
                "Completed %(days)d day after the end date %(due)s",
                "Completed %(days)d days after the end date %(due)s",
                late,
            )
            % {"days": late, "due": row["project__end_date"]},
            day,
        )


def _recognitions(kind: str) -> Source:
    def source(year: int) -> Iterable[SourceRow]:
        rows = Recognition.objects.filter(
            kind=kind, year=year, project__implementing_unit__isnull=False
        ).values("project__implementing_unit_id", "project_id", "note", "recorded_at")
        label = Recognition.Kind(kind).label
        for row in rows:
            evidence = f"{label} ({year})" + (f": {row['note']}" if row["note"] else "")
            yield SourceRow(
                row["project__implementing_unit_id"],
                row["project_id"],
                1,
                evidence,
                day_of(row["recorded_at"]),
            )

    source.__doc__ = f"Recognitions of kind {kind} recorded for the year."
    return source


register_source(Kind.CLAIM_APPROVED, claims_approved)
register_source(Kind.PROJECT_ASSIGNED, projects_assigned)
register_source(Kind.COMPLETED_ON_TIME, completed_on_time)
register_source(Kind.COMPLETED_LATE, completed_late)
for _kind in Recognition.Kind.values:
    register_source(_kind, _recognitions(_kind))


# Computation


@dataclass
class Entry:
    """One line of a unit's breakdown: records of a rule on a project, and their points."""

    rule: PointRule
    institution_id: int
    project_id: int | None
    count: int
    evidence: str
    date: datetime.date | None
    project: Project | None = None

    @property
    def points(self) -> int:
        return self.count * self.rule.points


@dataclass
class UnitPoints:
    institution: Institution
    county: Region | None
    total: int = 0
    rank: int | None = None
    points_by_rule: dict[int, int] = field(default_factory=dict)
    count_by_rule: dict[int, int] = field(default_factory=dict)
    columns: list[tuple[int, int]] = field(default_factory=list)  # cells(rules), for templates

    def cells(self, rules) -> list[tuple[int, int]]:
        """(count, points) per rule, in the order of `rules`."""
        return [(self.count_by_rule.get(r.pk, 0), self.points_by_rule.get(r.pk, 0)) for r in rules]


def in_kind_order(rules) -> list[PointRule]:
    """Rules in the order their kinds are declared (点单, 派单, completions, honours, tasks)."""
    order = {kind: i for i, kind in enumerate(Kind.values)}
    return sorted(rules, key=lambda rule: (order.get(rule.kind, len(order)), rule.name))


def active_rules() -> list[PointRule]:
    """The active rules whose records can be counted now, in kind order."""
    return in_kind_order(
        rule for rule in PointRule.objects.filter(is_active=True) if is_available(rule.kind)
    )


def entries(year: int, rules=None, institution_ids=None) -> list[Entry]:
    """Every record of the year that earns points under `rules` (default: the active ones),
    optionally only for some units."""
    result = []
    for rule in active_rules() if rules is None else rules:
        for row in SOURCES[rule.kind](year):
            if institution_ids is None or row.institution_id in institution_ids:
                result.append(Entry(rule, *row))
    return result


def counties() -> list[Region]:
    return list(Region.objects.filter(kind__in=Region.COUNTY_LEVEL).order_by("path"))


def county_of(institution: Institution, county_list) -> Region | None:
    path = institution.region.path
    return next((c for c in county_list if path.startswith(c.path)), None)


def rank_rows(rows: list[UnitPoints]) -> list[UnitPoints]:
    """Highest total first; equal totals share a rank (1, 1, 3)."""
    rows.sort(key=lambda r: (-r.total, r.institution.name))
    for i, row in enumerate(rows):
        same = i and rows[i - 1].total == row.total
        row.rank = rows[i - 1].rank if same else i + 1
    return rows


def ranking(year: int, institutions, rules=None) -> list[UnitPoints]:
    """The ranked points of the units in `institutions` (a queryset, already scoped) that have
    at least one record in the year."""
    rules = active_rules() if rules is None else rules
    by_unit: dict[int, dict[int, tuple[int, int]]] = {}
    for entry in entries(year, rules):
        cell = by_unit.setdefault(entry.institution_id, {})
        count, points = cell.get(entry.rule.pk, (0, 0))
        cell[entry.rule.pk] = (count + entry.count, points + entry.points)
    county_list = counties()
    rows = []
    for unit in institutions.filter(pk__in=by_unit).select_related("region"):
        cells = by_unit[unit.pk]
        rows.append(
            UnitPoints(
                institution=unit,
                county=county_of(unit, county_list),
                total=sum(points for _count, points in cells.values()),
                points_by_rule={pk: points for pk, (_count, points) in cells.items()},
                count_by_rule={pk: count for pk, (count, _points) in cells.items()},
            )
        )
        rows[-1].columns = rows[-1].cells(rules)
    return rank_rows(rows)


def breakdown(year: int, institution: Institution) -> list[Entry]:
    """Every record of the year that earned the unit points, newest first, with its project."""
    lines = entries(year, institution_ids={institution.pk})
    projects = Project.objects.in_bulk({e.project_id for e in lines if e.project_id})
    for line in lines:
        line.project = projects.get(line.project_id)
    lines.sort(key=lambda e: (e.date or datetime.date.min, e.rule.name), reverse=True)
    return lines


def years() -> list[int]:
    """The years with records that can earn points, and the current year; newest first."""
    found = {timezone.localdate().year}
    found.update(Recognition.objects.values_list("year", flat=True).distinct())
    changes = StatusChange.objects.filter(
        to_status__in=[Project.Status.ASSIGNED, Project.Status.COMPLETED]
    )
    found.update(d.year for d in changes.datetimes("changed_at", "year"))
    approved = Claim.objects.filter(status=Claim.Status.APPROVED, decided_at__isnull=False)
    found.update(d.year for d in approved.datetimes("decided_at", "year"))
    return sorted(found, reverse=True)


@dataclass
class Table:
    year: int
    county: Region | None
    rules: list[PointRule]
    rows: list[UnitPoints]


def scoped_ranking(user, year: int, county: Region | None = None) -> Table:
    """The ranked table the user may see, for the page and the export alike.

    City staff: every unit, or one county's. A county bureau: its county's units (`county` is
    ignored). A unit: its own row only, ranked among the units of its county (a unit without
    records gets a row of zeros and no rank).
    """
    scope = user_scope(user)
    rules = active_rules()
    own = None
    if scope.is_city:
        units = Institution.objects.all()
    elif scope.region_path:
        county = Region.objects.get(path=scope.region_path)
        units = Institution.objects.visible_to(user)
    elif scope.unit_id:
        own = Institution.objects.select_related("region").get(pk=scope.unit_id)
        county = county_of(own, counties())
        # The rank needs the county's other units; only the unit's own row leaves this function.
        units = Institution.objects.all() if county else Institution.objects.filter(pk=own.pk)
    else:
        return Table(year, None, rules, [])
    if county is not None:
        units = units.filter(region__path__startswith=county.path)
    rows = ranking(year, units, rules)
    if own is not None:
        rows = [r for r in rows if r.institution.pk == scope.unit_id] or [
            UnitPoints(own, county, columns=[(0, 0)] * len(rules))
        ]
    return Table(year, county, rules, rows)
