"""约谈 → 整改 → 验收, escalation per unit, and the green channel from the project page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jiebang.accountability import queries, services
from jiebang.accountability.models import Interview, Rectification
from jiebang.core.errors import DomainError
from jiebang.ledger.models import Task
from jiebang.projects.models import GreenChannelCase

R = Rectification.Status


def _interview(project, tasks, user):
    return services.record_interview(
        project,
        acting_user=user,
        tasks=tasks,
        interviewees="冠县院长",
        interviewers="市级专班",
        held_at=timezone.now(),
        findings="任务逾期，进度滞后",
        rectification_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


def test_interview_rectification_acceptance_closes_the_tasks(
    login, contracted_project, overdue_tasks, task_force, guanxian_head, guanxian_bureau
):
    client = login(task_force)
    url = reverse("accountability:interview-create", args=[contracted_project.pk])
    form_page = client.get(url)
    assert overdue_tasks[0].title.encode() in form_page.content
    response = client.post(
        url,
        {
            "tasks": [t.pk for t in overdue_tasks],
            "interviewees": "冠县院长",
            "interviewers": "市级专班",
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "findings": "两项任务逾期",
            "rectification_deadline": (
                timezone.localdate() + datetime.timedelta(days=7)
            ).isoformat(),
        },
    )
    interview = Interview.objects.get(project=contracted_project)
    assert response.status_code == 302 and interview.rectification.status == R.OPEN
    assert interview.unit == contracted_project.implementing_unit

    client = login(guanxian_head)
    submit = reverse("accountability:rectification-submit", args=[interview.pk])
    evidence = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report")
    assert (
        client.post(submit, {"report": "已完成流程改造", "evidence": evidence}).status_code == 302
    )
    assert Rectification.objects.get(pk=interview.rectification.pk).status == R.SUBMITTED
    # The unit cannot accept its own rectification.
    accept = reverse("accountability:rectification-accept", args=[interview.pk])
    assert client.post(accept, {"note": "自己验收"}).status_code == 403

    client = login(task_force)
    give_back = reverse("accountability:rectification-return", args=[interview.pk])
    assert client.post(give_back, {"reason": "缺少佐证"}).status_code == 302
    assert Rectification.objects.get(pk=interview.rectification.pk).status == R.RETURNED
    services.submit_rectification(
        interview.rectification, acting_user=guanxian_head, report="补充佐证"
    )
    proof = SimpleUploadedFile("验收.png", b"\x89PNG\r\n\x1a\n....")
    response = client.post(accept, {"note": "现场验收通过", "evidence": proof})
    assert response.status_code == 302
    rectification = Rectification.objects.get(pk=interview.rectification.pk)
    assert rectification.status == R.ACCEPTED and rectification.accepted_by == task_force
    for task in Task.objects.filter(pk__in=[t.pk for t in overdue_tasks]):
        assert task.status == Task.Status.DONE and not task.is_overdue

    page = login(guanxian_bureau).get(interview.get_absolute_url())
    assert "现场验收通过".encode() in page.content and "已验收".encode() in page.content
    with pytest.raises(DomainError):
        services.accept_rectification(rectification, acting_user=task_force, note="再来一次")


def test_interview_needs_overdue_tasks_of_the_project(
    contracted_project, overdue_tasks, task_force, guanxian_head
):
    from jiebang.ledger import services as ledger

    future = ledger.create_task(
        contracted_project,
        acting_user=guanxian_head,
        title="未到期任务",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    with pytest.raises(DomainError):
        _interview(contracted_project, [future], task_force)
    with pytest.raises(DomainError):
        _interview(contracted_project, [], task_force)
    with pytest.raises(PermissionDenied):
        _interview(contracted_project, overdue_tasks, guanxian_head)


def test_escalation_counts_overdue_tasks_and_interviews(
    login,
    contracted_project,
    overdue_tasks,
    task_force,
    guanxian_head,
    guanxian_bureau,
    shenxian_bureau,
):
    from jiebang.ledger import services as ledger

    unit = contracted_project.implementing_unit
    (row,) = queries.escalation(task_force)
    assert (row.unit, row.overdue, row.interviews, row.level) == (unit, 2, 0, queries.Level.WATCH)

    _interview(contracted_project, overdue_tasks[:1], task_force)
    past = timezone.localdate() - datetime.timedelta(days=1)
    ledger.create_task(contracted_project, acting_user=guanxian_head, title="第三项", deadline=past)
    (row,) = queries.escalation(task_force)
    assert (row.overdue, row.interviews, row.open_rectifications) == (3, 1, 1)
    assert row.level == queries.Level.KEY and row.level_label == "重点督办"

    page = login(guanxian_bureau).get(reverse("accountability:escalation"))
    assert "重点督办".encode() in page.content and unit.name.encode() in page.content
    assert (
        unit.name.encode()
        not in login(shenxian_bureau).get(reverse("accountability:escalation")).content
    )
    assert login(guanxian_head).get(reverse("accountability:escalation")).status_code == 403
    assert queries.escalation_level(0, 2) == queries.Level.KEY
    assert queries.escalation_level(0, 0) == queries.Level.NORMAL


def test_interviews_are_scoped(
    login,
    contracted_project,
    overdue_tasks,
    task_force,
    shenxian_bureau,
    shenxian_head,
    guanxian_staff,
):
    interview = _interview(contracted_project, overdue_tasks, task_force)
    assert login(shenxian_bureau).get(interview.get_absolute_url()).status_code == 404
    assert login(shenxian_head).get(interview.get_absolute_url()).status_code == 404
    listing = login(shenxian_bureau).get(reverse("accountability:interview-list"))
    assert f'id="interview-{interview.pk}"'.encode() not in listing.content
    client = login(guanxian_staff)
    assert (
        f'id="interview-{interview.pk}"'.encode()
        in client.get(reverse("accountability:interview-list")).content
    )
    # Any user of the interviewed unit reports; an unrelated unit head cannot.
    with pytest.raises(PermissionDenied):
        services.submit_rectification(
            interview.rectification, acting_user=shenxian_head, report="x"
        )


def test_rectification_evidence_is_checked(
    login, contracted_project, overdue_tasks, task_force, guanxian_head
):
    interview = _interview(contracted_project, overdue_tasks, task_force)
    submit = reverse("accountability:rectification-submit", args=[interview.pk])
    bad = SimpleUploadedFile("整改.zip", b"PK\x03\x04")
    response = login(guanxian_head).post(submit, {"report": "完成", "evidence": bad}, follow=True)
    assert "“整改.zip”".encode() in response.content
    assert Rectification.objects.get(pk=interview.rectification.pk).status == R.OPEN


def test_green_channel_case_from_the_project_page(
    login, contracted_project, guanxian_head, task_force
):
    client = login(guanxian_head)
    url = reverse("accountability:case-raise", args=[contracted_project.pk])
    data = {
        "title": "预住院费用医保支付衔接",
        "description": "需医保局明确政策",
        "departments": ["medical_insurance"],
    }
    assert client.post(url, data).status_code == 302
    case = GreenChannelCase.objects.get(project=contracted_project)
    assert case.raised_by_unit == contracted_project.implementing_unit
    page = login(task_force).get(
        reverse("accountability:project-detail", args=[contracted_project.pk])
    )
    assert "预住院费用医保支付衔接".encode() in page.content
    # The task force does not raise cases; units do.
    assert login(task_force).post(url, data).status_code == 403
