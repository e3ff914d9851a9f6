"""A project's progress is computed from its weighted tasks (sub-tasks roll up), from
confirmed figures only; overdue is derived from the deadline in Asia/Shanghai."""

import datetime
from datetime import UTC

import pytest
from django.core.exceptions import PermissionDenied

from jiebang.core.errors import DomainError
from jiebang.ledger import services
from jiebang.ledger.models import Review, Task
from jiebang.ledger.queries import Queue, overdue_counts, progress_of
from jiebang.projects.models import Project
from tests.conftest import waiting


def _confirmed(task, unit_user, reviewer, percent, status=None):
    status = status or (Task.Status.DONE if percent == 100 else Task.Status.IN_PROGRESS)
    update = services.report_progress(task, acting_user=unit_user, status=status, percent=percent)
    return services.confirm_update(update, acting_user=reviewer)


def test_progress_is_weighted_by_task_weight(project, make_task, guanxian_unit, task_force):
    plan = make_task("制定实施方案", weight=1)
    pilot = make_task("试点运行", weight=3)
    assert progress_of([project]) == {project.pk: 0.0}
    _confirmed(plan, guanxian_unit, task_force, 100)
    _confirmed(pilot, guanxian_unit, task_force, 20)
    # (1 × 100 + 3 × 20) / 4
    assert progress_of([project])[project.pk] == 40.0
    assert progress_of(Project.objects.filter(pk=project.pk)) == {project.pk: 40.0}


def test_subtasks_roll_up_into_their_parent(project, make_task, guanxian_unit, task_force):
    make_task("制定实施方案", weight=2)
    system = make_task("信息系统改造", weight=2)
    design = make_task("方案设计", weight=1, parent=system)
    build = make_task("开发测试", weight=3, parent=system)
    _confirmed(design, guanxian_unit, task_force, 100)
    _confirmed(build, guanxian_unit, task_force, 40)
    system.refresh_from_db()
    # the parent: (1 × 100 + 3 × 40) / 4 = 55; the project: (2 × 0 + 2 × 55) / 4
    assert (system.status, system.percent) == (Task.Status.IN_PROGRESS, 55)
    assert progress_of([project])[project.pk] == 27.5
    _confirmed(build, guanxian_unit, task_force, 100)
    system.refresh_from_db()
    assert (system.status, system.percent) == (Task.Status.DONE, 100)
    assert progress_of([project])[project.pk] == 50.0
    with pytest.raises(DomainError):
        make_task("子任务的子任务", parent=design)
    with pytest.raises(DomainError):  # a split task is reported through its sub-tasks
        services.report_progress(
            system, acting_user=guanxian_unit, status=Task.Status.IN_PROGRESS, percent=10
        )


def test_progress_needs_one_query_for_many_projects(
    project, make_task, guanxian_unit, django_assert_num_queries
):
    parent = make_task("信息系统改造")
    make_task("方案设计", parent=parent)
    with django_assert_num_queries(1):
        progress_of([project.pk])
    with django_assert_num_queries(1):
        overdue_counts([project.pk])


def test_submitted_and_returned_figures_do_not_count(
    project, make_task, guanxian_unit, guanxian_bureau
):
    task = make_task(weight=1)
    first = services.report_progress(
        task, acting_user=guanxian_unit, status=Task.Status.IN_PROGRESS, percent=60
    )
    assert progress_of([project])[project.pk] == 0.0
    services.return_update(first, acting_user=guanxian_bureau, reason="佐证材料不完整")
    task.refresh_from_db()
    assert (task.percent, progress_of([project])[project.pk]) == (0, 0.0)
    second = services.report_progress(
        task, acting_user=guanxian_unit, status=Task.Status.IN_PROGRESS, percent=50
    )
    services.confirm_update(second, acting_user=guanxian_bureau)
    assert progress_of([project])[project.pk] == 50.0
    first.refresh_from_db()
    assert (first.review, first.return_reason) == (Review.RETURNED, "佐证材料不完整")


def test_an_older_update_confirmed_late_does_not_override_a_newer_one(
    make_task, guanxian_unit, task_force
):
    task = make_task(deadline=datetime.date(2027, 3, 31))
    older = services.report_progress(
        task,
        acting_user=guanxian_unit,
        status=Task.Status.IN_PROGRESS,
        percent=30,
        reported_on=datetime.date(2026, 5, 1),
    )
    newer = services.report_progress(
        task,
        acting_user=guanxian_unit,
        status=Task.Status.IN_PROGRESS,
        percent=60,
        reported_on=datetime.date(2026, 6, 1),
    )
    services.confirm_update(newer, acting_user=task_force)
    services.confirm_update(older, acting_user=task_force)
    task.refresh_from_db()
    assert task.percent == 60


def _shanghai_midnight_utc(day):
    """Midnight in Asia/Shanghai of `day`, as a UTC moment (16:00 UTC the day before)."""
    return datetime.datetime(day.year, day.month, day.day, tzinfo=UTC) - datetime.timedelta(hours=8)


def test_overdue_across_the_deadline_in_shanghai(
    project, make_task, guanxian_unit, task_force, freeze_today
):
    deadline = datetime.date(2026, 3, 31)
    midnight = _shanghai_midnight_utc(deadline + datetime.timedelta(days=1))
    freeze_today(midnight - datetime.timedelta(minutes=1))  # 23:59 on the deadline in 聊城
    task = make_task(deadline=deadline)
    assert not task.is_overdue
    assert not Task.objects.overdue().filter(pk=task.pk).exists()
    assert overdue_counts([project])[project.pk] == 0

    # 00:01 the next day in Shanghai, still 31 March in UTC: overdue now.
    freeze_today(midnight + datetime.timedelta(minutes=1))
    assert midnight.date() == deadline
    assert task.is_overdue
    assert list(Task.objects.overdue()) == [task]
    assert overdue_counts([project])[project.pk] == 1
    assert Queue(guanxian_unit).scope_overdue.get() == task  # the unit head's queue
    assert task in Queue(task_force).scope_overdue

    # Done is never overdue.
    _confirmed(task, guanxian_unit, task_force, 100)
    assert overdue_counts([project])[project.pk] == 0
    assert not Queue(task_force).scope_overdue.exists()


def test_owner_sees_own_overdue_and_due_soon_tasks(make_task, guanxian_staff, freeze_today):
    freeze_today(datetime.datetime(2026, 4, 10, 2, tzinfo=UTC))
    late = make_task("台账整理", deadline=datetime.date(2026, 4, 9), owner=guanxian_staff)
    soon = make_task("培训", deadline=datetime.date(2026, 4, 15), owner=guanxian_staff)
    make_task("宣传", deadline=datetime.date(2026, 6, 1), owner=guanxian_staff)
    queue = Queue(guanxian_staff)
    assert list(queue.own_overdue) == [late]
    assert list(queue.own_due_soon) == [soon]
    assert not queue.scope_overdue.exists()  # not the unit head
    assert waiting(queue.user, "ledger.") == 2


def test_first_confirmed_update_starts_the_project_and_task_force_completes_it(
    project, make_task, guanxian_unit, guanxian_bureau, task_force
):
    plan = make_task("制定实施方案")
    pilot = make_task("试点运行")
    _confirmed(plan, guanxian_unit, guanxian_bureau, 50)
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert project.status_changes.last().changed_by == guanxian_bureau
    with pytest.raises(DomainError):
        services.complete_project(project, acting_user=task_force)
    _confirmed(plan, guanxian_unit, guanxian_bureau, 100)
    services.accept_task(pilot, acting_user=task_force, note="现场核验通过")
    with pytest.raises(PermissionDenied):
        services.complete_project(project, acting_user=guanxian_bureau)
    services.complete_project(project, acting_user=task_force)
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    with pytest.raises(DomainError):  # a completed project's ledger is closed
        services.create_task(
            project, acting_user=guanxian_unit, title="补充", deadline=plan.deadline
        )


def test_accept_task_marks_done_at_100(make_task, guanxian_unit, task_force, guanxian_bureau):
    task = make_task("整改落实")
    sub = make_task("整改子项", parent=task)
    with pytest.raises(PermissionDenied):
        services.accept_task(task, acting_user=guanxian_bureau, note="验收")
    with pytest.raises(PermissionDenied):
        services.accept_task(task, acting_user=guanxian_unit, note="验收")
    with pytest.raises(DomainError):
        services.accept_task(task, acting_user=task_force, note=" ")
    task = services.accept_task(task, acting_user=task_force, note="整改到位，验收通过")
    assert (task.status, task.percent, task.is_overdue) == (Task.Status.DONE, 100, False)
    assert task.done_at is not None
    sub.refresh_from_db()
    assert sub.status == Task.Status.DONE
    acceptance = task.updates.get()
    assert (acceptance.kind, acceptance.review, acceptance.reviewed_by) == (
        "acceptance",
        Review.CONFIRMED,
        task_force,
    )
    with pytest.raises(DomainError):
        services.accept_task(task, acting_user=task_force, note="再次验收")


def test_task_checks(project, make_task, guanxian_unit, guanxian_staff, donge_unit, city_admin):
    with pytest.raises(DomainError):
        make_task(deadline=datetime.date(2026, 3, 1), start=datetime.date(2026, 4, 1))
    with pytest.raises(DomainError):
        make_task(weight=0)
    with pytest.raises(DomainError):
        make_task(owner=donge_unit)  # not a person of the implementing unit
    with pytest.raises(PermissionDenied):
        make_task(acting_user=donge_unit)
    task = make_task(owner=guanxian_staff, acting_user=city_admin)
    assert task.owner == guanxian_staff
    task = services.update_task(task, acting_user=guanxian_unit, weight="2.5", title="新名称")
    assert (task.title, str(task.weight)) == ("新名称", "2.50")
