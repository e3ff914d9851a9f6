"""The two ledgers: tasks, progress updates and indicator measurements, and deadline change
requests.

A figure is created as the unit reports it (awaiting confirmation); `confirmed=True` or
`returned="reason"` then runs the ledger's own review service as the task force (or
`confirmed__by=user`), so the task's figures, its parent's roll-up and the project's start
follow exactly as on the site."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from jiebang.ledger import services
from jiebang.ledger.models import (
    DeadlineChangeRequest,
    IndicatorMeasurement,
    ProgressUpdate,
    Review,
    Task,
)
from jiebang.projects.models import Project

from .orgs import task_force, unit_member
from .projects import ProjectFactory


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


class TaskFactory(DjangoModelFactory):
    """A not-started task of a contracted project (letter confirmed: its dates are locked),
    due in 30 days; `overdue`, `in_progress`, `done` and `owned` (by a user of the
    implementing unit) for the usual variants. A sub-task (`parent=…`) is of its parent's
    project, and its parent's figures roll up as on the site."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    class Params:
        overdue = factory.Trait(
            start=factory.LazyFunction(lambda: _days(-40)),
            deadline=factory.LazyFunction(lambda: _days(-5)),
        )
        in_progress = factory.Trait(status=Task.Status.IN_PROGRESS, percent=40)
        done = factory.Trait(
            status=Task.Status.DONE, percent=100, done_at=factory.LazyFunction(timezone.now)
        )
        owned = factory.Trait(
            owner=factory.LazyAttribute(lambda o: unit_member(o.project.implementing_unit))
        )

    parent = None
    project = factory.Maybe(
        "parent",
        yes_declaration=factory.SelfAttribute("parent.project"),
        no_declaration=factory.SubFactory(ProjectFactory, status=Project.Status.CONTRACTED),
    )
    title = factory.Sequence(lambda n: f"门诊术前检查流程改造{n}")
    department = "医务科"
    deadline = factory.LazyFunction(lambda: _days(30))
    deliverable = "流程图与制度文件"
    weight = Decimal("1.00")
    status = Task.Status.NOT_STARTED
    percent = 0
    created_by = factory.LazyAttribute(lambda o: unit_member(o.project.implementing_unit))

    @factory.post_generation
    def roll_up(obj, create, extracted, **kwargs):
        if create and obj.parent_id:
            services._roll_up(obj.parent, by=obj.created_by)
            obj.parent.refresh_from_db()


def _confirm(figure, create, extracted, kwargs, service) -> None:
    """`confirmed=True` (`confirmed__by=user`): the review service confirms the figure."""
    if create and extracted:
        service(figure, acting_user=kwargs.get("by") or task_force())
        figure.refresh_from_db()


def _give_back(figure, create, extracted, kwargs, service) -> None:
    """`returned=True` or `returned="reason"`: the review service returns the figure."""
    if create and extracted:
        reason = extracted if isinstance(extracted, str) else "佐证材料不完整"
        service(figure, acting_user=kwargs.get("by") or task_force(), reason=reason)
        figure.refresh_from_db()


class ProgressUpdateFactory(DjangoModelFactory):
    """A progress update a user of the implementing unit reported today: 40 %, in progress
    (100 % is done), awaiting confirmation. A figure below the task's confirmed one comes with
    its reason."""

    class Meta:
        model = ProgressUpdate
        skip_postgeneration_save = True

    task = factory.SubFactory(TaskFactory)
    kind = ProgressUpdate.Kind.REPORT
    reported_on = factory.LazyFunction(timezone.localdate)
    percent = 40
    status = factory.LazyAttribute(
        lambda o: Task.Status.DONE if o.percent == 100 else Task.Status.IN_PROGRESS
    )
    text = "按计划推进，已完成阶段性工作。"
    # The task's confirmed figure as stored (an instance in hand may predate a confirmation).
    previous_percent = factory.LazyAttribute(
        lambda o: Task.objects.values_list("percent", flat=True).get(pk=o.task.pk)
    )
    decrease_reason = factory.LazyAttribute(
        lambda o: "复核后下调" if o.percent < (o.previous_percent or 0) else ""
    )
    created_by = factory.LazyAttribute(lambda o: unit_member(o.task.project.implementing_unit))
    review = Review.SUBMITTED

    @factory.post_generation
    def confirmed(obj, create, extracted, **kwargs):
        _confirm(obj, create, extracted, kwargs, services.confirm_update)

    @factory.post_generation
    def returned(obj, create, extracted, **kwargs):
        _give_back(obj, create, extracted, kwargs, services.return_update)


def _last_month(n: int) -> datetime.date:
    """The first day of the n-th month before this one (n ≥ 1): a period never in the future."""
    first = timezone.localdate().replace(day=1)
    months = first.year * 12 + first.month - 1 - n
    return datetime.date(months // 12, months % 12 + 1, 1)


class MeasurementFactory(DjangoModelFactory):
    """A figure of a contracted project's indicator (or `project=…`'s first, or `indicator=…`)
    for a past month (each one a month earlier, so two of one indicator never share a
    period), reported by the unit, awaiting confirmation."""

    class Meta:
        model = IndicatorMeasurement
        skip_postgeneration_save = True

    class Params:
        project = None

    # A project's own indicator (the one its letter states), unless `indicator` is given.
    indicator = factory.LazyAttribute(
        lambda o: (
            (o.project or ProjectFactory(status=Project.Status.CONTRACTED))
            .indicators.order_by("pk")
            .first()
        )
    )
    period = factory.Sequence(lambda n: _last_month(n % 120 + 1))
    value = Decimal("3.50")
    source = "HIS统计"
    created_by = factory.LazyAttribute(lambda o: unit_member(o.indicator.project.implementing_unit))
    review = Review.SUBMITTED

    @factory.post_generation
    def confirmed(obj, create, extracted, **kwargs):
        _confirm(obj, create, extracted, kwargs, services.confirm_measurement)

    @factory.post_generation
    def returned(obj, create, extracted, **kwargs):
        _give_back(obj, create, extracted, kwargs, services.return_measurement)


class DeadlineChangeRequestFactory(DjangoModelFactory):
    """A pending request of the unit to move an overdue task's deadline 30 days later."""

    class Meta:
        model = DeadlineChangeRequest
        skip_postgeneration_save = True

    task = factory.SubFactory(TaskFactory, overdue=True)
    old_deadline = factory.SelfAttribute("task.deadline")
    requested_deadline = factory.LazyAttribute(
        lambda o: o.task.deadline + datetime.timedelta(days=30)
    )
    reason = "设备到货推迟，需顺延。"
    requested_by = factory.LazyAttribute(lambda o: unit_member(o.task.project.implementing_unit))
