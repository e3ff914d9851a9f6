"""Figures computed from the ledgers, read by pages, exports, the showings and the cockpit:
a project's progress (weighted over its tasks, from confirmed figures only), overdue counts,
and what waits in each user's queue (我的待办)."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from jiebang.core.roles import Role
from jiebang.core.scoping import user_scope

from .models import DeadlineChangeRequest, IndicatorMeasurement, ProgressUpdate, Review, Task

_DECIMAL = DecimalField(max_digits=20, decimal_places=4)


def _project_filter(projects) -> Q:
    if isinstance(projects, QuerySet):
        return Q(project__in=projects.values("pk"))
    ids = [p if isinstance(p, int) else p.pk for p in projects]
    return Q(project__in=ids)


def _ids(projects) -> list[int]:
    if isinstance(projects, QuerySet):
        return list(projects.values_list("pk", flat=True))
    return [p if isinstance(p, int) else p.pk for p in projects]


def task_progress_expression():
    """A top-level task's progress: 100 when done, else its sub-tasks' weighted confirmed
    percent when it has sub-tasks, else its own confirmed percent."""
    subtasks = Task.objects.filter(parent=OuterRef("pk")).order_by().values("parent")
    weighted = subtasks.annotate(
        total=Sum(ExpressionWrapper(F("weight") * F("percent"), output_field=_DECIMAL))
        / Sum("weight")
    ).values("total")
    return Case(
        When(status=Task.Status.DONE, then=Value(100, output_field=_DECIMAL)),
        default=Coalesce(Subquery(weighted, output_field=_DECIMAL), F("percent")),
        output_field=_DECIMAL,
    )


def progress_of(projects) -> dict[int, float]:
    """Project id → progress 0–100: the top-level tasks' progress weighted by their weight
    (sub-tasks roll up into their parent), from confirmed figures only. One aggregate query;
    a project without tasks is at 0."""
    ids = _ids(projects)
    rows = (
        Task.objects.filter(project__in=ids, parent=None)
        .order_by()
        .values("project")
        .annotate(
            weighted=Sum(
                ExpressionWrapper(F("weight") * task_progress_expression(), output_field=_DECIMAL)
            ),
            weight=Sum("weight"),
        )
    )
    progress = dict.fromkeys(ids, 0.0)
    for row in rows:
        if row["weight"]:
            progress[row["project"]] = round(float(row["weighted"]) / float(row["weight"]), 1)
    return progress


def overdue_counts(projects) -> dict[int, int]:
    """Project id → number of its tasks and sub-tasks that are overdue today (Asia/Shanghai).
    Projects with none are at 0."""
    ids = _ids(projects)
    counts = dict.fromkeys(ids, 0)
    rows = (
        Task.objects.overdue()
        .filter(project__in=ids)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
    )
    counts.update({row["project"]: row["n"] for row in rows})
    return counts


def _not_superseded(updates):
    """Returned updates the unit has not answered with a later update on the same task."""
    later = ProgressUpdate.objects.filter(task=OuterRef("task"), pk__gt=OuterRef("pk"))
    return updates.filter(review=Review.RETURNED).exclude(Exists(later))


def _not_reported_again(measurements):
    again = IndicatorMeasurement.objects.filter(
        indicator=OuterRef("indicator"), period=OuterRef("period"), pk__gt=OuterRef("pk")
    )
    return measurements.filter(review=Review.RETURNED).exclude(Exists(again))


def reviewable_by(user, queryset, project_field: str):
    """The rows of `queryset` (figures or deadline requests) the user decides on: the task
    force all, a county bureau those of units in its county (ledger.review_figure, the same
    rule as the rules' is_unit_county), nobody else any. A county sees more (projects covering
    it), but its queue holds only what it may act on."""
    if user.role == Role.TASK_FORCE:
        return queryset
    path = user_scope(user).region_path
    if user.role == Role.COUNTY_BUREAU and path:
        unit_path = f"{project_field}__implementing_unit__region__path__startswith"
        return queryset.filter(**{unit_path: path})
    return queryset.none()


@dataclass
class Queue:
    """The ledger's parts of what waits for one user (我的待办, read by ledger/pending.py into
    the workbench); each part is a queryset, empty when the role has no such duty."""

    user: object

    @property
    def _reviews(self) -> bool:
        return self.user.role in (Role.TASK_FORCE, Role.COUNTY_BUREAU)

    @property
    def _reports(self) -> bool:
        """Only unit users own tasks and report figures."""
        return self.user.role == Role.UNIT

    @cached_property
    def own_overdue(self):
        if not self._reports:
            return Task.objects.none()
        return Task.objects.overdue().filter(owner=self.user)

    @cached_property
    def own_due_soon(self):
        if not self._reports:
            return Task.objects.none()
        return Task.objects.due_soon().filter(owner=self.user)

    @cached_property
    def returned_updates(self):
        if not self._reports:
            return ProgressUpdate.objects.none()
        mine = ProgressUpdate.objects.filter(Q(created_by=self.user) | Q(task__owner=self.user))
        return _not_superseded(mine)

    @cached_property
    def returned_measurements(self):
        if not self._reports:
            return IndicatorMeasurement.objects.none()
        return _not_reported_again(IndicatorMeasurement.objects.filter(created_by=self.user))

    @cached_property
    def scope_overdue(self):
        """The unit head's unit's overdue tasks; all overdue tasks in scope for city staff and
        county bureaus."""
        user = self.user
        if user.role == Role.UNIT:
            if not user.is_unit_head or not user.institution_id:
                return Task.objects.none()
            return Task.objects.overdue().filter(project__implementing_unit=user.institution_id)
        if user.role in (Role.CITY_ADMIN, Role.TASK_FORCE, Role.COUNTY_BUREAU):
            return Task.objects.overdue().visible_to(user)
        return Task.objects.none()

    @cached_property
    def waiting_updates(self):
        if not self._reviews:
            return ProgressUpdate.objects.none()
        updates = ProgressUpdate.objects.filter(review=Review.SUBMITTED)
        return reviewable_by(self.user, updates, "task__project")

    @cached_property
    def waiting_measurements(self):
        if not self._reviews:
            return IndicatorMeasurement.objects.none()
        measurements = IndicatorMeasurement.objects.filter(review=Review.SUBMITTED)
        return reviewable_by(self.user, measurements, "indicator__project")

    @cached_property
    def deadline_requests(self):
        """Deadline change requests awaiting a decision, for those who confirm figures."""
        if not self._reviews:
            return DeadlineChangeRequest.objects.none()
        requests = DeadlineChangeRequest.objects.pending()
        return reviewable_by(self.user, requests, "task__project")
