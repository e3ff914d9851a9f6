"""The work queue (我的待办): each kind of pending work appears for exactly the users who must
act and disappears when done; the page filters, sorts, pages and confirms in batch."""

import datetime

import pytest
from django.urls import reverse

from jiebang.ledger import services as ledger
from jiebang.ledger.models import Review
from jiebang.workbench import queue as work
from jiebang.workbench.registry import kinds

URL = reverse("workbench:queue")


def _keys(user, **filters):
    rows = work.queue(user, work.Filters(**filters))
    return [(row["w_kind"], row["w_pk"]) for row in rows] if rows is not None else []


def _report(task, user, percent=50):
    return ledger.report_progress(
        task, acting_user=user, status="in_progress", percent=percent, text="进展"
    )


def test_every_app_declares_its_kinds():
    keys = {kind.key for kind in kinds()}
    for expected in (
        "ledger.confirm_update",
        "ledger.overdue_task",
        "accountability.confirm_letter",
        "accountability.accept_rectification",
        "needs.score_proposal",
        "needs.review_feedback",
    ):
        assert expected in keys


def test_an_update_waits_for_the_reviewers_of_its_county_only(
    make_task, guanxian_unit, guanxian_bureau, shenxian_bureau, task_force, city_admin, expert
):
    update = _report(make_task(), guanxian_unit)
    item = ("ledger.confirm_update", update.pk)
    assert item in _keys(guanxian_bureau)
    assert item in _keys(task_force)
    for other in (shenxian_bureau, city_admin, expert, guanxian_unit):
        assert item not in _keys(other)
    ledger.confirm_update(update, acting_user=guanxian_bureau)
    assert item not in _keys(guanxian_bureau) and item not in _keys(task_force)


def test_a_returned_update_waits_for_its_reporter_until_reported_again(
    make_task, guanxian_unit, guanxian_bureau
):
    task = make_task()
    update = _report(task, guanxian_unit)
    ledger.return_update(update, acting_user=guanxian_bureau, reason="缺少佐证材料")
    assert ("ledger.fix_update", update.pk) in _keys(guanxian_unit)
    _report(task, guanxian_unit, 60)
    assert ("ledger.fix_update", update.pk) not in _keys(guanxian_unit)


def test_overdue_tasks_come_first_and_filter_by_deadline(make_task, guanxian_unit, freeze_today):
    freeze_today(datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC))
    late = make_task("逾期任务", deadline=datetime.date(2026, 3, 31), owner=guanxian_unit)
    soon = make_task("临期任务", deadline=datetime.date(2026, 4, 4), owner=guanxian_unit)
    rows = list(work.queue(guanxian_unit))
    assert [(r["w_kind"], r["w_pk"]) for r in rows[:2]] == [
        ("ledger.overdue_task", late.pk),
        ("ledger.task_due_soon", soon.pk),
    ]
    assert _keys(guanxian_unit, due="overdue") == [("ledger.overdue_task", late.pk)]
    assert _keys(guanxian_unit, due="soon") == [("ledger.task_due_soon", soon.pk)]
    counts = {c.kind.key: c for c in work.counts(guanxian_unit)}
    assert counts["ledger.overdue_task"].overdue == 1
    assert counts["ledger.task_due_soon"].soon == 1
    assert work.counts(guanxian_unit)[0].kind.key == "ledger.overdue_task"


def test_the_page_lists_pages_and_filters(login, make_task, guanxian_unit, task_force, project):
    tasks = [make_task(f"任务{n}") for n in range(3)]
    for task in tasks:
        _report(task, guanxian_unit)
    client = login(task_force)
    html = client.get(URL).content.decode()
    assert "我的待办" in html and "待确认的进度" in html
    for task in tasks:
        assert task.title in html
    page = client.get(URL, {"kind": "ledger.confirm_update", "project": project.pk})
    assert page.context["page"].paginator.count == 3
    assert client.get(URL, {"kind": "needs.score_proposal"}).context["page"].paginator.count == 0
    assert client.get(URL, {"county": "junk", "sort": "nonsense"}).status_code == 200


def test_batch_confirm_from_the_queue(login, make_task, guanxian_unit, task_force, shenxian_bureau):
    updates = [_report(make_task(f"任务{n}"), guanxian_unit) for n in range(5)]
    page = login(task_force).get(URL, {"kind": "ledger.confirm_update"})
    assert page.context["batch"].key == "ledger.confirm_update"
    assert 'id="batch-form"' in page.content.decode()
    ids = [u.pk for u in updates]
    # Another county's bureau may not confirm them: nothing changes.
    login(shenxian_bureau).post(reverse("ledger:updates-confirm"), {"ids": ids})
    assert all(u.review == Review.SUBMITTED for u in _fresh(updates))
    response = login(task_force).post(reverse("ledger:updates-confirm"), {"ids": ids})
    assert response.status_code == 302
    assert all(u.review == Review.CONFIRMED for u in _fresh(updates))
    assert not _keys(task_force, kinds=["ledger.confirm_update"])


def _fresh(rows):
    return [type(r).objects.get(pk=r.pk) for r in rows]


def test_the_badge_is_the_total(login, make_task, guanxian_unit, guanxian_bureau, freeze_today):
    freeze_today(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC))
    for n in range(2):
        _report(make_task(f"任务{n}", deadline=datetime.date(2026, 12, 31)), guanxian_unit)
    html = login(guanxian_bureau).get(reverse("core:home")).content.decode()
    assert 'id="queue-badge">2<' in html
    assert 'id="work-counts"' in html


@pytest.mark.parametrize(
    "role_fixture", ["guanxian_unit", "guanxian_bureau", "expert", "city_admin"]
)
def test_each_role_has_a_queue_and_a_done_tab(request, login, role_fixture):
    user = request.getfixturevalue(role_fixture)
    client = login(user)
    assert client.get(URL).status_code == 200
    assert client.get(reverse("workbench:done")).status_code == 200


def test_done_lists_what_i_handled(login, make_task, guanxian_unit, guanxian_bureau):
    update = _report(make_task("已确认的任务"), guanxian_unit)
    ledger.confirm_update(update, acting_user=guanxian_bureau)
    html = login(guanxian_bureau).get(reverse("workbench:done")).content.decode()
    assert "已确认的任务" in html
