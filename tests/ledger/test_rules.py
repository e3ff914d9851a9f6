"""The ledger's rules as its users meet them, on rows built by tests/factories: who reports a
figure, who confirms or returns it, when a deadline may change and who decides, what a lower
figure needs, what overdue means and where it waits (我的待办: ledger.queries.Queue), and who
accepts tasks and completes projects. On the POST URLs a user outside the project's scope gets
404, a user who sees it but may not act gets 403, and nothing is written either way."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from jiebang.ledger import excel
from jiebang.ledger.models import (
    DeadlineChangeRequest,
    IndicatorMeasurement,
    Review,
    Task,
    TaskImport,
)
from jiebang.ledger.queries import Queue
from jiebang.projects.models import Project
from tests.conftest import waiting
from tests.factories import (
    DeadlineChangeRequestFactory,
    MeasurementFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ResponsibilityLetterFactory,
    TaskFactory,
    UnitUserFactory,
    county,
)

P = Project.Status
D = DeadlineChangeRequest.Status


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def head(db):
    """The head of 冠县人民医院, made before any project so the factories' letter names them."""
    return UnitUserFactory(head=True, full_name="冠县院长")


@pytest.fixture
def staff(head):
    return UnitUserFactory(full_name="冠县科员")


@pytest.fixture
def contracted(head):
    """A project of 冠县人民医院 whose letter the head confirmed: its roadmap binds."""
    return ProjectFactory(status=P.CONTRACTED, title="预住院服务模式改革")


@pytest.fixture
def task(contracted, staff):
    return TaskFactory(project=contracted, owner=staff, title="门诊术前检查流程改造")


def _as(request, who):
    return request.getfixturevalue(who)


def _report(**data):
    return {
        "status": "in_progress",
        "percent": 30,
        "reported_on": timezone.localdate().isoformat(),
        "text": "完成方案初稿",
        **data,
    }


def _report_url(task):
    return reverse("ledger:task-report", args=[task.pk])


# Reporting progress: the implementing unit only.


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 302),
        ("head", 302),
        ("guanxian_bureau", 403),
        ("task_force", 403),
        ("city_admin", 403),
        ("expert", 403),
        ("donge_unit", 404),
        ("shenxian_bureau", 404),
    ],
)
def test_who_may_report_progress(request, login, task, who, status):
    user = _as(request, who)
    response = login(user).post(_report_url(task), _report())
    assert response.status_code == status
    if status == 302:
        update = task.updates.get()
        assert (update.review, update.created_by, update.percent) == (Review.SUBMITTED, user, 30)
    else:
        assert not task.updates.exists()
    task.refresh_from_db()
    assert task.percent == 0  # a reported figure counts only once confirmed


def test_the_report_form_is_offered_to_the_implementing_unit_only(
    login, task, staff, guanxian_bureau, task_force
):
    assert 'id="report-card"' in login(staff).get(task.get_absolute_url()).text
    for reviewer in (guanxian_bureau, task_force):
        page = login(reviewer).get(task.get_absolute_url())
        assert page.status_code == 200 and 'id="report-card"' not in page.text


def test_a_done_task_takes_no_more_reports(login, contracted, staff):
    done = TaskFactory(project=contracted, done=True)
    client = login(staff)
    assert 'id="report-card"' not in client.get(done.get_absolute_url()).text
    response = client.post(_report_url(done), _report(status="done", percent=100))
    assert response.status_code == 200
    assert "该任务已完成，无需再报送进度。" in response.text
    assert not done.updates.exists()


def test_a_split_task_is_reported_through_its_subtasks(login, contracted, staff):
    parent = TaskFactory(project=contracted, title="信息系统改造")
    subtask = TaskFactory(parent=parent, title="方案设计")
    client = login(staff)
    assert 'id="report-card"' not in client.get(parent.get_absolute_url()).text
    response = client.post(_report_url(parent), _report())
    assert "该任务已分解为子任务，请按子任务报送进度。" in response.text
    assert not parent.updates.exists()
    assert client.post(_report_url(subtask), _report()).status_code == 302


def test_an_update_cannot_be_dated_tomorrow(login, task, staff):
    response = login(staff).post(_report_url(task), _report(reported_on=_days(1).isoformat()))
    assert response.status_code == 200 and "报送日期不能晚于今天。" in response.text
    assert not task.updates.exists()


# A lower figure needs a reason; the bar is the confirmed figure.


def test_a_lower_figure_needs_a_reason_below_the_confirmed_figure_only(login, task, staff):
    ProgressUpdateFactory(task=task, percent=30, confirmed=True)
    ProgressUpdateFactory(task=task, percent=80)  # awaiting confirmation: not the bar
    task.refresh_from_db()
    assert task.percent == 30
    client = login(staff)
    assert client.post(_report_url(task), _report(percent=50)).status_code == 302

    response = client.post(_report_url(task), _report(percent=20))
    assert response.status_code == 200
    assert response.context["progress_form"].errors["decrease_reason"] == [
        "进度低于已确认的 30%，请说明原因。"
    ]
    response = client.post(
        _report_url(task), _report(percent=20, decrease_reason="复核发现重复统计")
    )
    assert response.status_code == 302
    lower = task.updates.latest("pk")
    assert (lower.percent, lower.previous_percent, lower.decrease_reason) == (
        20,
        30,
        "复核发现重复统计",
    )


def test_a_reason_typed_for_a_figure_that_did_not_drop_is_not_kept(login, task, staff):
    ProgressUpdateFactory(task=task, percent=30, confirmed=True)
    response = login(staff).post(
        _report_url(task), _report(percent=30, decrease_reason="不需要的说明")
    )
    assert response.status_code == 302
    assert task.updates.latest("pk").decrease_reason == ""


def test_the_reviewer_sees_the_drop_and_a_confirmed_drop_counts(
    login, task, guanxian_bureau, task_force
):
    ProgressUpdateFactory(task=task, percent=60, confirmed=True)
    lower = ProgressUpdateFactory(task=task, percent=40, decrease_reason="第二批志愿者未通过考核")
    client = login(guanxian_bureau)
    page = client.get(task.get_absolute_url()).text
    assert "进度由 60% 降至 40%：第二批志愿者未通过考核" in page
    assert client.post(reverse("ledger:update-confirm", args=[lower.pk])).status_code == 302
    task.refresh_from_db()
    assert task.percent == 40


# Confirming and returning a figure: the task force, or the bureau of the unit's county.

REVIEWERS = [
    ("task_force", 302),
    ("guanxian_bureau", 302),
    ("city_admin", 403),
    ("head", 403),
    ("staff", 403),
    ("shenxian_bureau", 404),
    ("donge_unit", 404),
]


@pytest.mark.parametrize(("who", "status"), REVIEWERS)
def test_who_may_confirm_an_update(request, login, task, who, status):
    update = ProgressUpdateFactory(task=task, percent=40)
    response = login(_as(request, who)).post(reverse("ledger:update-confirm", args=[update.pk]))
    assert response.status_code == status
    update.refresh_from_db()
    task.refresh_from_db()
    if status == 302:
        assert (update.review, update.reviewed_by, task.percent) == (
            Review.CONFIRMED,
            _as(request, who),
            40,
        )
    else:
        assert (update.review, task.percent) == (Review.SUBMITTED, 0)


@pytest.mark.parametrize(("who", "status"), REVIEWERS)
def test_who_may_return_an_update(request, login, task, who, status):
    update = ProgressUpdateFactory(task=task)
    url = reverse("ledger:update-return", args=[update.pk])
    response = login(_as(request, who)).post(url, {"reason": "佐证材料不完整"})
    assert response.status_code == status
    update.refresh_from_db()
    expected = Review.RETURNED if status == 302 else Review.SUBMITTED
    assert update.review == expected


def test_a_confirmed_figure_counts_and_starts_the_project(login, contracted, task, guanxian_bureau):
    update = ProgressUpdateFactory(task=task, percent=40)
    assert contracted.status == P.CONTRACTED
    login(guanxian_bureau).post(reverse("ledger:update-confirm", args=[update.pk]))
    task.refresh_from_db()
    contracted.refresh_from_db()
    assert (task.status, task.percent) == (Task.Status.IN_PROGRESS, 40)
    assert contracted.status == P.IN_PROGRESS
    assert contracted.status_changes.last().changed_by == guanxian_bureau


def test_returning_needs_a_reason_and_the_figure_keeps_waiting(login, task, guanxian_bureau):
    update = ProgressUpdateFactory(task=task)
    response = login(guanxian_bureau).post(
        reverse("ledger:update-return", args=[update.pk]),
        {"reason": "  ", "next": task.get_absolute_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == task.get_absolute_url()
    assert "退回数据需要说明原因。" in response.text
    update.refresh_from_db()
    assert update.review == Review.SUBMITTED
    assert list(Queue(guanxian_bureau).waiting_updates) == [update]


def test_a_returned_figure_waits_for_the_unit_until_it_reports_again(
    login, task, staff, guanxian_bureau
):
    returned = ProgressUpdateFactory(
        task=task, created_by=staff, returned="佐证材料不完整", returned__by=guanxian_bureau
    )
    assert returned.review == Review.RETURNED
    assert list(Queue(staff).returned_updates) == [returned]
    assert "佐证材料不完整" in login(staff).get(task.get_absolute_url()).text
    ProgressUpdateFactory(task=task, created_by=staff, percent=45)
    assert not Queue(staff).returned_updates.exists()


def test_a_figure_is_reviewed_once(login, task, guanxian_bureau):
    update = ProgressUpdateFactory(task=task, confirmed=True)
    response = login(guanxian_bureau).post(
        reverse("ledger:update-return", args=[update.pk]),
        {"reason": "数据有误", "next": task.get_absolute_url()},
        follow=True,
    )
    assert "只有待确认的数据才能确认或退回。" in response.text
    update.refresh_from_db()
    assert update.review == Review.CONFIRMED


def test_a_county_that_sees_the_project_but_not_the_unit_may_not_confirm(
    login, contracted, task, shenxian_bureau
):
    """A project located in 莘县 but implemented by a 冠县 unit: 莘县 sees its ledger, but
    only the bureau of the unit's county confirms."""
    Project.objects.filter(pk=contracted.pk).update(region=county("莘县"))
    update = ProgressUpdateFactory(task=task)
    client = login(shenxian_bureau)
    assert client.get(task.get_absolute_url()).status_code == 200
    assert client.post(reverse("ledger:update-confirm", args=[update.pk])).status_code == 403
    assert not Queue(shenxian_bureau).waiting_updates.exists()
    update.refresh_from_db()
    assert update.review == Review.SUBMITTED


@pytest.mark.parametrize(("who", "status"), REVIEWERS)
def test_who_may_confirm_an_indicator_figure(request, login, contracted, who, status):
    figure = MeasurementFactory(indicator=contracted.indicators.get())
    url = reverse("ledger:measurement-confirm", args=[figure.pk])
    assert login(_as(request, who)).post(url).status_code == status
    figure.refresh_from_db()
    assert figure.review == (Review.CONFIRMED if status == 302 else Review.SUBMITTED)


def test_one_indicator_figure_per_period_until_it_is_returned(
    login, contracted, staff, guanxian_bureau
):
    indicator = contracted.indicators.get()
    month = _days(-40).replace(day=1)
    url = reverse("ledger:measurement-create", args=[contracted.pk])
    data = {"indicator": indicator.pk, "period": f"{month:%Y-%m}", "value": "4.2"}
    client = login(staff)
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "value": "4.0"})
    assert again.status_code == 200 and "已有报送数据" in again.text
    figure = IndicatorMeasurement.objects.get(indicator=indicator)
    assert (figure.period, figure.review) == (month, Review.SUBMITTED)
    assert list(Queue(guanxian_bureau).waiting_measurements) == [figure]

    returned = reverse("ledger:measurement-return", args=[figure.pk])
    assert login(guanxian_bureau).post(returned, {"reason": "口径不一致"}).status_code == 302
    assert list(Queue(staff).returned_measurements) == [figure]
    assert login(staff).post(url, {**data, "value": "4.0"}).status_code == 302
    assert not Queue(staff).returned_measurements.exists()


# Deadline changes: asked by the unit once the letter is confirmed, decided by a reviewer.


def _ask(task):
    return reverse("ledger:task-deadline-request", args=[task.pk])


def test_before_the_letter_is_confirmed_the_unit_edits_the_deadline_itself(login, head, staff):
    project = ProjectFactory(status=P.CLAIMED)
    ResponsibilityLetterFactory(project=project)  # a draft: its roadmap does not bind yet
    late = TaskFactory(project=project, overdue=True)
    client = login(staff)
    page = client.get(late.get_absolute_url()).text
    assert 'id="deadline-request-card"' not in page and 'id="dates-locked"' not in page
    response = client.post(_ask(late), {"deadline": _days(20).isoformat(), "reason": "顺延"})
    assert "责任书尚未确认：请直接修改任务的截止日期。" in response.text
    assert not DeadlineChangeRequest.objects.exists()
    edit = {"title": late.title, "weight": "1", "deadline": _days(20).isoformat()}
    assert client.post(reverse("ledger:task-edit", args=[late.pk]), edit).status_code == 302
    late.refresh_from_db()
    assert late.deadline == _days(20) and not late.is_overdue


def test_after_the_letter_the_unit_asks_for_a_new_deadline_with_a_reason(login, task, staff):
    client = login(staff)
    page = client.get(task.get_absolute_url()).text
    assert 'id="dates-locked"' in page and 'id="deadline-request-card"' in page
    without_reason = client.post(_ask(task), {"deadline": _days(60).isoformat(), "reason": ""})
    assert without_reason.status_code == 200
    assert not DeadlineChangeRequest.objects.exists()

    response = client.post(_ask(task), {"deadline": _days(60).isoformat(), "reason": "设备推迟"})
    assert response.status_code == 302
    change = DeadlineChangeRequest.objects.get()
    assert (change.status, change.old_deadline, change.requested_deadline) == (
        D.PENDING,
        _days(30),
        _days(60),
    )
    task.refresh_from_db()
    assert task.deadline == _days(30)  # the current deadline counts until a decision
    page = client.get(task.get_absolute_url()).text
    assert 'id="deadline-request-card"' not in page  # one pending request at a time
    assert f'id="deadline-request-{change.pk}"' in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 302),
        ("head", 302),
        ("guanxian_bureau", 403),
        ("task_force", 403),
        ("city_admin", 403),
        ("donge_unit", 404),
    ],
)
def test_who_may_ask_for_a_new_deadline(request, login, task, who, status):
    response = login(_as(request, who)).post(
        _ask(task), {"deadline": _days(60).isoformat(), "reason": "人手不足"}
    )
    assert response.status_code == status
    assert DeadlineChangeRequest.objects.exists() == (status == 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("guanxian_bureau", 302),
        ("task_force", 302),
        ("city_admin", 403),
        ("head", 403),
        ("shenxian_bureau", 404),
        ("donge_unit", 404),
    ],
)
def test_who_may_approve_a_new_deadline(request, login, contracted, who, status):
    change = DeadlineChangeRequestFactory(task=TaskFactory(project=contracted, overdue=True))
    url = reverse("ledger:deadline-request-approve", args=[change.pk])
    assert login(_as(request, who)).post(url).status_code == status
    change.refresh_from_db()
    change.task.refresh_from_db()
    if status == 302:
        assert change.status == D.APPROVED and change.task.deadline == change.requested_deadline
    else:
        assert change.status == D.PENDING and change.task.deadline == change.old_deadline


def test_an_approval_moves_the_deadline_and_shows_both_dates(
    login, contracted, staff, guanxian_bureau
):
    late = TaskFactory(project=contracted, overdue=True, owner=staff)
    change = DeadlineChangeRequestFactory(task=late, requested_by=staff)
    assert list(Queue(guanxian_bureau).deadline_requests) == [change]
    assert late in Queue(staff).own_overdue

    url = reverse("ledger:deadline-request-approve", args=[change.pk])
    assert login(guanxian_bureau).post(url, {"note": "同意顺延"}).status_code == 302
    late.refresh_from_db()
    assert late.deadline == change.requested_deadline and not late.is_overdue
    assert not Queue(staff).own_overdue.exists()
    assert not Queue(guanxian_bureau).deadline_requests.exists()

    page = login(staff).get(late.get_absolute_url()).text
    row = page.split(f'id="deadline-request-{change.pk}"')[1].split("</tr>")[0]
    old, new = change.old_deadline.isoformat(), change.requested_deadline.isoformat()
    assert old in row and new in row and "已批准" in row and "同意顺延" in row
    latest = late.history.latest()
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("deadline", change.old_deadline, change.requested_deadline)
    ]
    assert latest.history_user == guanxian_bureau


def test_a_refusal_needs_a_reason_keeps_the_deadline_and_the_unit_may_ask_again(
    login, contracted, staff, task_force
):
    late = TaskFactory(project=contracted, overdue=True)
    change = DeadlineChangeRequestFactory(task=late)
    url = reverse("ledger:deadline-request-refuse", args=[change.pk])
    client = login(task_force)
    client.post(url, {"reason": ""})
    change.refresh_from_db()
    assert change.status == D.PENDING
    assert client.post(url, {"reason": "请按期完成"}).status_code == 302
    change.refresh_from_db()
    late.refresh_from_db()
    assert (change.status, change.decision_note) == (D.REFUSED, "请按期完成")
    assert late.deadline == change.old_deadline and late.is_overdue

    staff_client = login(staff)
    assert 'id="deadline-request-card"' in staff_client.get(late.get_absolute_url()).text
    again = staff_client.post(_ask(late), {"deadline": _days(10).isoformat(), "reason": "再申请"})
    assert again.status_code == 302
    assert late.deadline_requests.count() == 2


def test_a_deadline_no_longer_moves_once_the_task_is_done(login, contracted, task_force):
    late = TaskFactory(project=contracted, overdue=True)
    change = DeadlineChangeRequestFactory(task=late)
    client = login(task_force)
    accept = reverse("ledger:task-accept", args=[late.pk])
    assert client.post(accept, {"note": "现场核验通过"}).status_code == 302
    url = reverse("ledger:deadline-request-approve", args=[change.pk])
    response = client.post(url, {"next": late.get_absolute_url()}, follow=True)
    assert "该任务已完成，截止日期不再调整。" in response.text
    late.refresh_from_db()
    change.refresh_from_db()
    assert (late.deadline, change.status) == (change.old_deadline, D.PENDING)


# Overdue: derived from the deadline, waiting in 我的待办 of the owner, the unit head and the
# reviewers in scope.


def test_an_overdue_task_is_flagged_on_its_page_and_in_the_list(login, contracted, staff):
    late = TaskFactory(project=contracted, overdue=True, title="逾期的培训任务")
    TaskFactory(project=contracted, title="尚未到期的任务")
    client = login(staff)
    assert "badge text-bg-danger overdue" in client.get(late.get_absolute_url()).text
    listing = client.get(reverse("ledger:task-list"), {"overdue": "yes"}).text
    assert "逾期的培训任务" in listing and "尚未到期的任务" not in listing


def test_an_overdue_task_waits_for_its_owner_and_the_unit_head_only(contracted, head, staff):
    colleague = UnitUserFactory(full_name="冠县另一科员")
    late = TaskFactory(project=contracted, overdue=True, owner=staff)
    assert list(Queue(staff).own_overdue) == [late]
    assert not Queue(staff).scope_overdue.exists()  # not the head
    assert list(Queue(head).scope_overdue) == [late]
    assert not Queue(head).own_overdue.exists()
    assert (waiting(staff, "ledger."), waiting(head, "ledger."), waiting(colleague, "ledger.")) == (
        1,
        1,
        0,
    )


def test_a_head_who_owns_an_overdue_task_counts_it_once(contracted, head):
    TaskFactory(project=contracted, overdue=True, owner=head)
    queue = Queue(head)
    assert queue.own_overdue.count() == queue.scope_overdue.count() == 1
    assert waiting(queue.user, "ledger.") == 1


def test_overdue_tasks_wait_for_their_county_and_the_city_not_another_county(
    contracted, guanxian_bureau, shenxian_bureau, task_force, city_admin, donge_unit
):
    late = TaskFactory(project=contracted, overdue=True)
    for user in (guanxian_bureau, task_force, city_admin):
        assert list(Queue(user).scope_overdue) == [late], user
    for user in (shenxian_bureau, donge_unit):
        assert not Queue(user).scope_overdue.exists(), user


def test_tasks_due_within_seven_days_wait_for_their_owner(contracted, staff):
    today = TaskFactory(project=contracted, owner=staff, deadline=_days(0))
    in_a_week = TaskFactory(project=contracted, owner=staff, deadline=_days(7))
    TaskFactory(project=contracted, owner=staff, deadline=_days(8))
    TaskFactory(project=contracted, owner=staff, deadline=_days(3), done=True)
    assert set(Queue(staff).own_due_soon) == {today, in_a_week}
    assert not today.is_overdue and not Queue(staff).own_overdue.exists()


def test_acceptance_ends_the_overdue_state(login, contracted, staff, task_force):
    late = TaskFactory(project=contracted, overdue=True, owner=staff)
    url = reverse("ledger:task-accept", args=[late.pk])
    assert login(task_force).post(url, {"note": "现场核验通过"}).status_code == 302
    late.refresh_from_db()
    assert (late.status, late.percent, late.is_overdue) == (Task.Status.DONE, 100, False)
    assert waiting(staff, "ledger.") == 0


# Acceptance and completion: the task force.


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("task_force", 302),
        ("city_admin", 403),
        ("guanxian_bureau", 403),
        ("head", 403),
        ("shenxian_bureau", 404),
    ],
)
def test_only_the_task_force_accepts_a_task(request, login, task, who, status):
    url = reverse("ledger:task-accept", args=[task.pk])
    assert login(_as(request, who)).post(url, {"note": "验收通过"}).status_code == status
    task.refresh_from_db()
    assert (task.status == Task.Status.DONE) == (status == 302)


def test_the_task_force_completes_a_project_once_every_task_is_done(
    login, head, staff, task_force, guanxian_bureau
):
    project = ProjectFactory(status=P.IN_PROGRESS)
    open_task = TaskFactory(project=project)
    TaskFactory(project=project, done=True)
    url = reverse("ledger:project-complete", args=[project.pk])
    assert login(guanxian_bureau).post(url).status_code == 403
    response = login(task_force).post(url, follow=True)
    assert "所有一级任务完成后，项目才能标记为完成。" in response.text
    project.refresh_from_db()
    assert project.status == P.IN_PROGRESS

    client = login(task_force)
    client.post(reverse("ledger:task-accept", args=[open_task.pk]), {"note": "验收通过"})
    assert client.post(url).status_code == 302
    project.refresh_from_db()
    assert project.status == P.COMPLETED
    # A completed project's ledger is closed to reports.
    assert 'id="report-card"' not in login(staff).get(open_task.get_absolute_url()).text


def test_a_withdrawn_projects_ledger_takes_no_acceptance(login, head, task_force, city_admin):
    """Reproduced: the page offered no acceptance on a withdrawn project's (closed) ledger, yet
    a POST to task-accept marked the task done (accept_task never checked the project)."""
    project = ProjectFactory(status=P.CLAIMED)
    task = TaskFactory(project=project)
    project.move_to(P.WITHDRAWN, by=city_admin, reason="重复立项")
    client = login(task_force)
    assert 'id="accept-card"' not in client.get(task.get_absolute_url()).text
    client.post(reverse("ledger:task-accept", args=[task.pk]), {"note": "验收通过"})
    task.refresh_from_db()
    assert task.status != Task.Status.DONE


# A small task sheet is opened once, in the request: counted, then applied.


def test_a_small_task_sheet_is_opened_once_and_read_twice(login, contracted, staff, monkeypatch):
    book = Workbook()
    book.active.append(["项目编号", "任务名称", "截止日期"])
    for i in range(3):
        book.active.append([contracted.code, f"导入的任务{i}", _days(60).isoformat()])
    content = io.BytesIO()
    book.save(content)
    opened, passes = [], []
    open_sheet, rows = excel.open_sheet, excel.Sheet.rows
    monkeypatch.setattr(
        excel, "open_sheet", lambda *a, **k: opened.append(1) or open_sheet(*a, **k)
    )
    monkeypatch.setattr(excel.Sheet, "rows", lambda sheet: passes.append(1) or rows(sheet))

    upload = SimpleUploadedFile("任务表.xlsx", content.getvalue())
    login(staff).post(reverse("ledger:import"), {"file": upload})
    record = TaskImport.objects.get()
    assert (record.status, record.total_rows, record.added) == ("done", 3, 3)
    assert (len(opened), len(passes)) == (1, 2)  # one opening; the count, then the rows applied
