"""双专班: members, weekly minutes whose follow-ups become ledger tasks, the monthly showing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from jiebang.accountability import services
from jiebang.accountability.models import MonthlyShowing, ShowingRow, TaskForce
from jiebang.accountability.queries import compare
from jiebang.ledger.models import Task


@pytest.fixture
def groups(contracted_project):
    return {tf.kind: tf for tf in TaskForce.objects.filter(project=contracted_project)}


def test_members_and_minutes_with_follow_ups(
    login, groups, task_force, guanxian_head, guanxian_staff
):
    city, unit = groups["city"], groups["unit"]
    client = login(task_force)
    url = reverse("accountability:member-add", args=[city.pk])
    assert (
        client.post(
            url, {f"tf{city.pk}-user": task_force.pk, f"tf{city.pk}-role": "leader"}
        ).status_code
        == 302
    )
    data = {
        f"tf{city.pk}-name": "王医保",
        f"tf{city.pk}-position": "市医保局科长",
        f"tf{city.pk}-role": "member",
    }
    client.post(url, data)
    assert [m.display_name for m in city.members.all()] == ["市级专班", "王医保"]

    today = timezone.localdate()
    client = login(guanxian_staff)
    minutes = reverse("accountability:meeting-create", args=[unit.pk])
    assert "周例会会商纪要".encode() in client.get(minutes).content
    response = client.post(
        minutes,
        {
            "date": today.isoformat(),
            "attendees": "院长、医务科、信息科",
            "decisions": "门诊术前检查流程下周上线",
            "follow-TOTAL_FORMS": "3",
            "follow-INITIAL_FORMS": "0",
            "follow-0-title": "完成术前检查预约模块",
            "follow-0-deadline": (today + datetime.timedelta(days=14)).isoformat(),
            "follow-0-department": "信息科",
            "follow-0-owner": guanxian_staff.pk,
        },
    )
    assert response.status_code == 302
    meeting = unit.meetings.get()
    task = meeting.follow_ups.get()
    assert (task.project, task.title, task.owner) == (
        unit.project,
        "完成术前检查预约模块",
        guanxian_staff,
    )
    page = client.get(reverse("accountability:project-detail", args=[unit.project_id]))
    assert "完成术前检查预约模块".encode() in page.content

    # The unit runs its own group, not the city's.
    assert client.get(reverse("accountability:meeting-create", args=[city.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.add_member(city, acting_user=guanxian_head, role="member", name="某人")


def test_showing_compares_months_and_retaking_replaces(
    login, contracted_project, make_claimed, task_force, guanxian_head, guanxian_staff
):
    from jiebang.ledger import services as ledger

    other = make_claimed("检查检验结果互认")
    services.confirm_letter(
        services.generate_letter(other, acting_user=task_force), acting_user=guanxian_head
    )
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    first = ledger.create_task(
        contracted_project, acting_user=guanxian_head, title="甲", deadline=deadline
    )
    ledger.create_task(contracted_project, acting_user=guanxian_head, title="乙", deadline=deadline)
    ledger.create_task(other, acting_user=guanxian_head, title="丙", deadline=deadline)

    march, april = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
    services.take_showing(march, acting_user=task_force)
    ledger.accept_task(first, acting_user=task_force, note="验收通过")
    client = login(task_force)
    response = client.post(reverse("accountability:showing-take"), {"month": "2026-04"})
    assert response.status_code == 302
    april_showing = MonthlyShowing.objects.get(month=april)
    rows = compare(april_showing, MonthlyShowing.objects.get(month=march), task_force)
    assert [(r.project, r.delta) for r in rows] == [(contracted_project, 50.0), (other, 0.0)]

    page = client.get(reverse("accountability:showing"), {"month": "2026-04"})
    assert page.status_code == 200 and b"+50.0" in page.content

    # Taking April again replaces its rows; the old rows are gone.
    old_ids = set(april_showing.rows.values_list("pk", flat=True))
    services.take_showing(datetime.date(2026, 4, 15), acting_user=task_force)
    assert MonthlyShowing.objects.filter(month=april).count() == 1
    assert not ShowingRow.objects.filter(pk__in=old_ids).exists()
    assert ShowingRow.objects.filter(showing__month=april).count() == 2

    with pytest.raises(PermissionDenied):
        services.take_showing(april, acting_user=guanxian_head)
    # A month that is no month: the page again (200) with the error at the form, nothing taken.
    refused = client.post(reverse("accountability:showing-take"), {"month": "x"})
    assert refused.status_code == 200 and "请选择月份。" in refused.content.decode()
    assert (
        login(guanxian_staff)
        .post(reverse("accountability:showing-take"), {"month": "2026-04"})
        .status_code
        == 403
    )


def test_showing_and_pages_are_scoped(
    login, contracted_project, task_force, guanxian_bureau, shenxian_bureau, shenxian_head
):
    services.take_showing(timezone.localdate(), acting_user=task_force)
    url = reverse("accountability:showing")
    assert contracted_project.title.encode() in login(guanxian_bureau).get(url).content
    assert contracted_project.title.encode() not in login(shenxian_bureau).get(url).content
    assert contracted_project.title.encode() not in login(shenxian_head).get(url).content
    detail = reverse("accountability:project-detail", args=[contracted_project.pk])
    assert login(guanxian_bureau).get(detail).status_code == 200
    assert login(shenxian_bureau).get(detail).status_code == 404
    assert login(shenxian_head).get(detail).status_code == 404
    letters = reverse("accountability:letter-list")
    assert contracted_project.code.encode() not in login(shenxian_head).get(letters).content
    assert contracted_project.code.encode() in login(guanxian_bureau).get(letters).content


def test_pages_render_in_chinese(login, contracted_project, task_force, expert):
    client = login(task_force)
    for name in ("project-list", "letter-list", "interview-list", "showing", "escalation"):
        response = client.get(reverse(f"accountability:{name}"))
        assert response.status_code == 200, name
    assert "月进度晾晒".encode() in client.get(reverse("accountability:showing")).content
    assert "工作专班".encode() in client.get(reverse("accountability:project-list")).content
    assert login(expert).get(reverse("accountability:project-list")).status_code == 403


def test_follow_up_tasks_are_ledger_tasks(groups, task_force):
    meeting = services.record_meeting(
        groups["city"],
        acting_user=task_force,
        date=timezone.localdate(),
        attendees="市级专班",
        decisions="督促进度",
        follow_ups=[{"title": "报送月度数据", "deadline": timezone.localdate()}],
    )
    assert Task.objects.filter(meetings=meeting, title="报送月度数据").exists()
