"""Stage 4's rules as its users meet them, on rows built by tests/factories: the order of a
letter's steps (generated → confirmed by the unit head → signed scan once; superseded versions
frozen) and who may do each, the overdue loop (interview → rectification → acceptance) with its
status moves and who may move it, and the task forces and the monthly showing. On the POST
URLs a user outside the project's scope gets 404, a user who sees it but may not act gets 403,
and nothing is written either way."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jiebang.accountability.models import (
    Interview,
    MonthlyShowing,
    Rectification,
    ResponsibilityLetter,
    TaskForce,
)
from jiebang.ledger.models import Task
from jiebang.projects.models import Project
from tests.conftest import pending
from tests.factories import (
    InterviewFactory,
    ProjectFactory,
    RectificationFactory,
    ResponsibilityLetterFactory,
    TaskFactory,
    UnitUserFactory,
    institution,
)

P = Project.Status
L = ResponsibilityLetter.Status
R = Rectification.Status


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _scan():
    return SimpleUploadedFile("签字版.pdf", b"%PDF-1.4 signed", content_type="application/pdf")


@pytest.fixture
def head(db):
    """The head of 冠县人民医院, made before any project so the factories' letters name them."""
    return UnitUserFactory(head=True, full_name="冠县院长")


@pytest.fixture
def staff(head):
    return UnitUserFactory(full_name="冠县科员")


@pytest.fixture
def other_head(db):
    """The head of 莘县人民医院: another county's unit, outside the project."""
    return UnitUserFactory(head=True, institution=institution("莘县人民医院"))


@pytest.fixture
def claimed(head):
    return ProjectFactory(status=P.CLAIMED, title="预住院服务模式改革")


@pytest.fixture
def draft(claimed, task_force):
    return ResponsibilityLetterFactory(project=claimed, generated_by=task_force)


@pytest.fixture
def contracted(head):
    """A project whose letter the head confirmed (without a signed scan yet)."""
    return ProjectFactory(status=P.CONTRACTED, title="检查检验结果互认")


@pytest.fixture
def interview(contracted):
    return InterviewFactory(project=contracted)


def _as(request, who):
    return request.getfixturevalue(who)


def _url(name, obj):
    return reverse(f"accountability:{name}", args=[obj.pk])


# 责任书: the task force generates, the unit head confirms, once per version.


def test_a_draft_letter_waits_for_the_unit_head_until_confirmed(login, draft, head, staff):
    assert list(pending(head, "accountability.confirm_letter")) == [draft]
    assert not pending(
        staff, "accountability.confirm_letter"
    ).exists()  # only the head signs for the unit
    assert 'id="confirm-card"' not in login(staff).get(draft.get_absolute_url()).text
    client = login(head)
    assert 'id="confirm-card"' in client.get(draft.get_absolute_url()).text
    assert client.post(_url("letter-confirm", draft)).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.confirmed_by) == (L.CONFIRMED, head)
    assert draft.project.status == P.CONTRACTED
    assert not pending(head, "accountability.confirm_letter").exists()
    assert 'id="confirm-card"' not in client.get(draft.get_absolute_url()).text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("head", 302),
        ("staff", 403),
        ("task_force", 403),
        ("city_admin", 403),
        ("guanxian_bureau", 403),
        ("other_head", 404),
        ("donge_unit", 404),
    ],
)
def test_who_may_confirm_a_letter(request, login, draft, who, status):
    assert login(_as(request, who)).post(_url("letter-confirm", draft)).status_code == status
    draft.refresh_from_db()
    draft.project.refresh_from_db()
    confirmed = status == 302
    assert draft.status == (L.CONFIRMED if confirmed else L.DRAFT)
    assert draft.project.status == (P.CONTRACTED if confirmed else P.CLAIMED)


def test_confirming_the_letter_binds_the_roadmap(login, draft, head, staff):
    task = TaskFactory(project=draft.project, overdue=True)
    client = login(staff)
    page = client.get(task.get_absolute_url()).text
    assert 'id="dates-locked"' not in page and 'id="deadline-request-card"' not in page
    login(head).post(_url("letter-confirm", draft))
    page = login(staff).get(task.get_absolute_url()).text
    assert 'id="dates-locked"' in page and 'id="deadline-request-card"' in page
    groups = TaskForce.objects.filter(project=draft.project)
    assert sorted(groups.values_list("kind", flat=True)) == ["city", "unit"]


def test_only_the_latest_draft_is_confirmed(login, draft, head, task_force):
    client = login(task_force)
    assert client.post(_url("letter-generate", draft.project)).status_code == 302
    newer = draft.project.letters.get(version=2)
    draft.refresh_from_db()
    assert (draft.status, newer.status) == (L.SUPERSEDED, L.DRAFT)

    client = login(head)
    assert 'id="confirm-card"' not in client.get(draft.get_absolute_url()).text
    assert client.post(_url("letter-confirm", draft)).status_code == 200
    draft.refresh_from_db()
    assert draft.status == L.SUPERSEDED
    assert client.post(_url("letter-confirm", newer)).status_code == 302
    newer.refresh_from_db()
    assert newer.status == L.CONFIRMED


def test_a_confirmed_letter_is_not_confirmed_again(login, contracted, head):
    letter = contracted.letters.get()
    confirmed_at = letter.confirmed_at
    response = login(head).post(_url("letter-confirm", letter))
    assert response.status_code == 200 and "只能确认草稿状态的责任书。" in response.text
    letter.refresh_from_db()
    assert (letter.status, letter.confirmed_at) == (L.CONFIRMED, confirmed_at)


def test_the_signed_scan_is_added_once_after_confirmation(login, draft, head):
    client = login(head)
    too_early = client.post(_url("letter-attach-scan", draft), {"signed_scan": _scan()})
    assert too_early.status_code == 200
    draft.refresh_from_db()
    assert not draft.signed_scan

    assert client.post(_url("letter-confirm", draft)).status_code == 302  # without a scan
    assert client.post(_url("letter-attach-scan", draft), {"signed_scan": _scan()}).status_code == (
        302
    )
    draft.refresh_from_db()
    scan = draft.signed_scan.name
    assert scan and client.get(_url("letter-scan", draft)).status_code == 200
    again = client.post(_url("letter-attach-scan", draft), {"signed_scan": _scan()})
    assert again.status_code == 200
    draft.refresh_from_db()
    assert draft.signed_scan.name == scan


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("head", 302),
        ("staff", 403),
        ("task_force", 403),
        ("city_admin", 403),
        ("other_head", 404),
    ],
)
def test_who_may_add_the_signed_scan(request, login, contracted, who, status):
    letter = contracted.letters.get()
    response = login(_as(request, who)).post(
        _url("letter-attach-scan", letter), {"signed_scan": _scan()}
    )
    assert response.status_code == status
    letter.refresh_from_db()
    assert bool(letter.signed_scan) == (status == 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("task_force", 302),
        ("city_admin", 302),
        ("head", 403),
        ("guanxian_bureau", 403),
        ("donge_unit", 404),
    ],
)
def test_who_may_record_the_signing_on_site(request, login, contracted, who, status):
    letter = contracted.letters.get()
    data = {"event_name": "揭榜挂帅签约仪式", "event_date": _days(-1).isoformat()}
    assert login(_as(request, who)).post(_url("letter-on-site", letter), data).status_code == (
        status
    )
    letter.refresh_from_db()
    assert letter.signed_on_site == (status == 302)


def test_signing_on_site_names_the_event_and_never_touches_a_superseded_letter(
    login, draft, task_force
):
    client = login(task_force)
    url = _url("letter-on-site", draft)
    assert client.post(url, {"event_name": "", "event_date": ""}).status_code == 200
    draft.refresh_from_db()
    assert not draft.signed_on_site

    ResponsibilityLetterFactory(project=draft.project)  # version 2 supersedes the draft
    data = {"event_name": "揭榜挂帅签约仪式", "event_date": _days(-1).isoformat()}
    assert client.post(url, data).status_code == 200
    draft.refresh_from_db()
    assert (draft.status, draft.signed_on_site) == (L.SUPERSEDED, False)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("task_force", 302),
        ("city_admin", 302),
        ("head", 403),
        ("guanxian_bureau", 403),
        ("donge_unit", 404),
    ],
)
def test_who_may_generate_a_letter(request, login, claimed, who, status):
    response = login(_as(request, who)).post(_url("letter-generate", claimed))
    assert response.status_code == status
    assert claimed.letters.exists() == (status == 302)


def test_no_letter_for_a_completed_project(login, head, task_force):
    project = ProjectFactory(status=P.COMPLETED)
    response = login(task_force).post(_url("letter-generate", project), follow=True)
    assert "只能为已揭榜或已派单的项目生成责任书。" in response.text
    assert project.letters.count() == 1  # the one confirmed on the way


def test_a_withdrawn_projects_draft_letter_is_no_longer_confirmed(login, draft, head, city_admin):
    """Reproduced: confirm_letter never checked the project, so the head confirmed the letter
    of a withdrawn project (and its task forces were set up)."""
    draft.project.move_to(P.WITHDRAWN, by=city_admin, reason="重复立项")
    login(head).post(_url("letter-confirm", draft))
    draft.refresh_from_db()
    assert draft.status == L.DRAFT
    assert not TaskForce.objects.filter(project=draft.project).exists()


def test_a_withdrawn_projects_draft_letter_no_longer_waits_for_the_head(draft, head, city_admin):
    """Reproduced: withdrawing a project left its draft letter in the unit head's 我的待办,
    where it could no longer be confirmed."""
    assert list(pending(head, "accountability.confirm_letter")) == [draft]
    draft.project.move_to(P.WITHDRAWN, by=city_admin, reason="重复立项")
    assert not pending(head, "accountability.confirm_letter").exists()


# 约谈: recorded by the city's task force (or admin) about overdue tasks.


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("task_force", 200),
        ("city_admin", 200),
        ("guanxian_bureau", 403),
        ("head", 403),
        ("donge_unit", 404),
    ],
)
def test_who_may_record_an_interview(request, login, contracted, who, status):
    url = _url("interview-create", contracted)
    client = login(_as(request, who))
    assert client.get(url).status_code == status
    late = TaskFactory(project=contracted, overdue=True)
    response = client.post(url, _interview_data(late))
    assert response.status_code == (302 if status == 200 else status)
    assert Interview.objects.filter(project=contracted).exists() == (status == 200)


def _interview_data(*tasks, **data):
    return {
        "tasks": [t.pk for t in tasks],
        "interviewees": "院长、分管副院长",
        "interviewers": "市级专班",
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "findings": "两项任务逾期",
        "rectification_deadline": _days(10).isoformat(),
        **data,
    }


def test_an_interview_is_about_overdue_tasks_only(login, contracted, task_force):
    late = TaskFactory(project=contracted, overdue=True, title="逾期的系统对接")
    future = TaskFactory(project=contracted, title="尚未到期的培训")
    TaskFactory(project=contracted, overdue=True, done=True, title="已完成的改造")
    client = login(task_force)
    url = _url("interview-create", contracted)
    form = client.get(url).text
    assert "逾期的系统对接" in form
    assert "尚未到期的培训" not in form and "已完成的改造" not in form
    assert client.post(url, _interview_data(future)).status_code == 200
    assert not Interview.objects.exists()
    assert client.post(url, _interview_data(late)).status_code == 302


def test_the_rectification_deadline_cannot_precede_the_interview(login, contracted, task_force):
    late = TaskFactory(project=contracted, overdue=True)
    data = _interview_data(late, rectification_deadline=_days(-1).isoformat())
    response = login(task_force).post(_url("interview-create", contracted), data)
    assert response.status_code == 200 and "整改期限不能早于约谈日期。" in response.text
    assert not Interview.objects.exists()


def test_an_interview_opens_a_rectification_for_the_unit(login, contracted, task_force, staff):
    late = TaskFactory(project=contracted, overdue=True)
    login(task_force).post(_url("interview-create", contracted), _interview_data(late))
    interview = Interview.objects.get()
    assert interview.unit == contracted.implementing_unit
    assert interview.rectification.status == R.OPEN
    assert 'id="submit-card"' in login(staff).get(interview.get_absolute_url()).text
    # Nothing to accept before the unit reports.
    assert 'id="accept-card"' not in login(task_force).get(interview.get_absolute_url()).text


# 整改 → 验收: the interviewed unit submits, the task force accepts or returns.


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 302),
        ("head", 302),
        ("task_force", 403),
        ("city_admin", 403),
        ("guanxian_bureau", 403),
        ("other_head", 404),
    ],
)
def test_who_may_submit_a_rectification(request, login, interview, who, status):
    url = _url("rectification-submit", interview)
    response = login(_as(request, who)).post(url, {"report": "已完成流程改造"})
    assert response.status_code == status
    rectification = Rectification.objects.get(interview=interview)
    assert rectification.status == (R.SUBMITTED if status == 302 else R.OPEN)


def test_a_submitted_rectification_is_accepted_and_closes_the_loop(
    login, interview, staff, task_force
):
    client = login(staff)
    client.post(_url("rectification-submit", interview), {"report": "已完成流程改造"})
    page = client.get(interview.get_absolute_url()).text
    assert 'id="submit-card"' not in page and "已完成流程改造" in page
    assert Interview.objects.open().filter(pk=interview.pk).exists()

    client = login(task_force)
    assert 'id="accept-card"' in client.get(interview.get_absolute_url()).text
    response = client.post(_url("rectification-accept", interview), {"note": "现场验收通过"})
    assert response.status_code == 302
    rectification = Rectification.objects.get(interview=interview)
    assert (rectification.status, rectification.accepted_by) == (R.ACCEPTED, task_force)
    assert [t.status for t in interview.tasks.all()] == [Task.Status.DONE]
    assert not Interview.objects.open().filter(pk=interview.pk).exists()


def test_a_submitted_rectification_is_not_submitted_again(login, staff):
    rectification = RectificationFactory(submitted=True, report="第一次整改报告")
    url = _url("rectification-submit", rectification.interview)
    assert login(staff).post(url, {"report": "再次提交"}).status_code == 200
    rectification.refresh_from_db()
    assert (rectification.status, rectification.report) == (R.SUBMITTED, "第一次整改报告")


REVIEWERS = [
    ("task_force", 302),
    ("city_admin", 403),
    ("guanxian_bureau", 403),
    ("head", 403),
    ("other_head", 404),
]


@pytest.mark.parametrize(("who", "status"), REVIEWERS)
def test_who_may_accept_a_rectification(request, login, head, who, status):
    rectification = RectificationFactory(submitted=True)
    url = _url("rectification-accept", rectification.interview)
    assert login(_as(request, who)).post(url, {"note": "验收通过"}).status_code == status
    rectification.refresh_from_db()
    assert rectification.status == (R.ACCEPTED if status == 302 else R.SUBMITTED)
    done = {t.status == Task.Status.DONE for t in rectification.interview.tasks.all()}
    assert done == {status == 302}


@pytest.mark.parametrize(("who", "status"), REVIEWERS)
def test_who_may_return_a_rectification(request, login, head, who, status):
    rectification = RectificationFactory(submitted=True)
    url = _url("rectification-return", rectification.interview)
    assert login(_as(request, who)).post(url, {"reason": "缺少佐证"}).status_code == status
    rectification.refresh_from_db()
    assert rectification.status == (R.RETURNED if status == 302 else R.SUBMITTED)


def test_a_returned_rectification_needs_a_reason_and_is_submitted_again(
    login, head, staff, task_force
):
    rectification = RectificationFactory(submitted=True)
    interview = rectification.interview
    client = login(task_force)
    assert client.post(_url("rectification-return", interview), {"reason": ""}).status_code == 200
    rectification.refresh_from_db()
    assert rectification.status == R.SUBMITTED
    client.post(_url("rectification-return", interview), {"reason": "缺少现场照片"})
    rectification.refresh_from_db()
    assert (rectification.status, rectification.return_reason) == (R.RETURNED, "缺少现场照片")

    client = login(staff)
    page = client.get(interview.get_absolute_url()).text
    assert "缺少现场照片" in page and 'id="submit-card"' in page
    response = client.post(_url("rectification-submit", interview), {"report": "补充现场照片"})
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert (rectification.status, rectification.report) == (R.SUBMITTED, "补充现场照片")


def test_only_a_submitted_rectification_is_accepted(login, interview, task_force):
    response = login(task_force).post(_url("rectification-accept", interview), {"note": "验收通过"})
    assert response.status_code == 200
    assert Rectification.objects.get(interview=interview).status == R.OPEN
    assert all(t.is_overdue for t in interview.tasks.all())


def test_an_accepted_rectification_is_final(login, head, staff, task_force):
    rectification = RectificationFactory(accepted=True)
    interview = rectification.interview
    assert [t.status for t in interview.tasks.all()] == [Task.Status.DONE]
    given_back = login(task_force).post(
        _url("rectification-return", interview), {"reason": "重新核查"}
    )
    assert given_back.status_code == 200
    page = login(staff).get(interview.get_absolute_url()).text
    assert 'id="submit-card"' not in page
    resubmitted = login(staff).post(_url("rectification-submit", interview), {"report": "再报"})
    assert resubmitted.status_code == 200
    rectification.refresh_from_db()
    assert rectification.status == R.ACCEPTED


def test_a_late_rectification_is_flagged_until_accepted(login, head, staff, task_force):
    interview = InterviewFactory(
        held_at=timezone.now() - datetime.timedelta(days=20),
        rectification_deadline=_days(-5),
    )
    client = login(staff)
    assert "已超期" in client.get(interview.get_absolute_url()).text
    Rectification.objects.filter(interview=interview).update(status=R.SUBMITTED, report="已整改")
    login(task_force).post(_url("rectification-accept", interview), {"note": "验收通过"})
    assert "已超期" not in login(staff).get(interview.get_absolute_url()).text


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("rectification-accept", "guanxian_bureau"),
        ("rectification-return", "staff"),
        ("rectification-submit", "task_force"),
    ],
)
def test_in_scope_but_not_allowed_gets_403_whatever_it_posts(request, login, interview, name, who):
    """Reproduced: the rectification views left the permission to the service, so an
    incomplete form from someone who may not act came back with form errors (200)."""
    assert login(_as(request, who)).post(_url(name, interview), {}).status_code == 403


@pytest.mark.parametrize("step", ["second acceptance", "superseded letter"])
def test_a_refused_step_says_why(login, head, task_force, step):
    """Reproduced: a refused step came back (200) with its reason on a form whose card was no
    longer shown, so a second tab or a colleague's earlier click ended on a silent page."""
    if step == "second acceptance":
        rectification = RectificationFactory(accepted=True)
        url = _url("rectification-accept", rectification.interview)
        response = login(task_force).post(url, {"note": "再次验收"}, follow=True)
        reason = "整改不能从“已验收”变为“已验收”"
    else:
        old = ResponsibilityLetterFactory()
        ResponsibilityLetterFactory(project=old.project)  # version 2 supersedes it
        response = login(head).post(_url("letter-confirm", old), follow=True)
        reason = "只能确认草稿状态的责任书。"
    assert reason in response.text


# 双专班 and 月进度晾晒.


@pytest.mark.parametrize(
    ("kind", "who", "status"),
    [
        ("unit", "head", 302),
        ("unit", "task_force", 302),
        ("unit", "guanxian_bureau", 403),
        ("city", "task_force", 302),
        ("city", "head", 403),
        ("city", "other_head", 404),
    ],
)
def test_who_may_add_a_task_force_member(request, login, contracted, kind, who, status):
    group = TaskForce.objects.get(project=contracted, kind=kind)
    before = group.members.count()
    prefix = f"tf{group.pk}"
    data = {f"{prefix}-name": "医保局联络员", f"{prefix}-role": "liaison"}
    url = reverse("accountability:member-add", args=[group.pk])
    assert login(_as(request, who)).post(url, data).status_code == status
    assert group.members.count() == before + (status == 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [("task_force", 302), ("city_admin", 302), ("guanxian_bureau", 403), ("head", 403)],
)
def test_who_may_take_the_monthly_showing(request, login, contracted, who, status):
    response = login(_as(request, who)).post(
        reverse("accountability:showing-take"), {"month": f"{timezone.localdate():%Y-%m}"}
    )
    assert response.status_code == status
    assert MonthlyShowing.objects.exists() == (status == 302)
