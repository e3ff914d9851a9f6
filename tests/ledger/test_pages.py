"""Ledger pages per role: who sees what (404 out of scope, 403 in scope but not allowed),
the queue, the charts, the demo."""

import datetime
import json

import pytest
from django.urls import reverse

from jiebang.ledger import demo, services
from jiebang.ledger.models import ProgressUpdate, Task
from jiebang.projects.models import Project

from .conftest import make_contracted_project


@pytest.fixture
def task(make_task):
    return make_task("制定实施方案", deadline=datetime.date(2026, 3, 31))


def test_pages_render_in_chinese_for_the_unit(login, project, task, guanxian_unit):
    client = login(guanxian_unit)
    pages = {
        reverse("ledger:task-list"): "任务台账",
        reverse("ledger:project-ledger", args=[project.pk]): "任务分解",
        task.get_absolute_url(): "报送进度",
        reverse("workbench:queue"): "我的待办",
        reverse("ledger:task-create", args=[project.pk]): "新建任务",
        reverse("ledger:import"): "导入任务表",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_unit_adds_a_task_through_the_form(login, project, guanxian_unit, guanxian_staff):
    client = login(guanxian_unit)
    response = client.post(
        reverse("ledger:task-create", args=[project.pk]),
        {
            "title": "人员培训",
            "department": "人事科",
            "owner": guanxian_staff.pk,
            "start": "2026-02-01",
            "deadline": "2026-02-28",
            "deliverable": "培训签到表",
            "weight": "2",
        },
    )
    task = Task.objects.get(title="人员培训")
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert (task.owner, task.created_by) == (guanxian_staff, guanxian_unit)


def test_other_unit_and_other_county_get_404(login, project, task, donge_unit, shenxian_bureau):
    urls = [
        reverse("ledger:project-ledger", args=[project.pk]),
        reverse("ledger:project-chart", args=[project.pk]),
        task.get_absolute_url(),
        reverse("ledger:task-create", args=[project.pk]),
    ]
    for user in (donge_unit, shenxian_bureau):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert "制定实施方案" not in client.get(reverse("ledger:task-list")).content.decode()


def test_in_scope_but_not_allowed_gets_403(
    login, project, task, guanxian_bureau, guanxian_unit, city_admin, expert
):
    report = reverse("ledger:task-report", args=[task.pk])
    data = {"status": "in_progress", "percent": 10, "reported_on": "2026-03-01"}
    assert login(guanxian_bureau).post(report, data).status_code == 403
    assert login(city_admin).post(report, data).status_code == 403
    assert (
        login(guanxian_bureau).get(reverse("ledger:task-create", args=[project.pk])).status_code
        == 403
    )
    update = services.report_progress(
        task, acting_user=guanxian_unit, status="in_progress", percent=10
    )
    confirm = reverse("ledger:update-confirm", args=[update.pk])
    assert login(guanxian_unit).post(confirm).status_code == 403
    assert login(expert).get(reverse("ledger:task-list")).status_code == 403
    update.refresh_from_db()
    assert update.review == "submitted"


def test_city_admin_sees_no_report_form(login, task, city_admin):
    page = login(city_admin).get(task.get_absolute_url())
    assert page.status_code == 200
    assert 'id="report-card"' not in page.content.decode()


def test_queue_per_role(login, project, task, guanxian_unit, guanxian_bureau, task_force):
    services.report_progress(task, acting_user=guanxian_unit, status="in_progress", percent=20)
    for user in (guanxian_unit, guanxian_bureau, task_force):
        page = login(user).get(reverse("workbench:queue")).content.decode()
        assert 'data-kind="ledger.overdue_task"' in page and "制定实施方案" in page, user
    bureau = login(guanxian_bureau).get(reverse("workbench:queue")).content.decode()
    assert 'data-kind="ledger.confirm_update"' in bureau
    unit = login(guanxian_unit).get(reverse("workbench:queue")).content.decode()
    assert 'data-kind="ledger.confirm_update"' not in unit


def test_badge_counts_are_cheap(login, task, task_force, django_assert_max_num_queries):
    client = login(task_force)
    client.get(reverse("ledger:task-list"))
    # One count per part of the queue (deadline change requests included), nothing per row.
    with django_assert_max_num_queries(13):
        page = client.get(reverse("ledger:task-list"))
    assert 'id="queue-badge"' in page.content.decode()


def test_project_chart_has_gantt_milestones_and_trend(
    login, project, task, guanxian_unit, guanxian_bureau
):
    indicator = project.indicators.get()
    for month, value in ((1, "4.5"), (2, "3.8")):
        figure = services.report_measurement(
            indicator,
            acting_user=guanxian_unit,
            period=datetime.date(2026, month, 1),
            value=value,
        )
        services.confirm_measurement(figure, acting_user=guanxian_bureau)
    services.report_measurement(
        indicator, acting_user=guanxian_unit, period=datetime.date(2026, 3, 1), value="1.0"
    )  # awaiting confirmation: not drawn
    page = login(guanxian_bureau).get(reverse("ledger:project-chart", args=[project.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "js/ledger-charts.js" in html and "vendor/echarts/echarts.min.js" in html
    data = json.loads(
        html.split('id="ledger-chart-data" type="application/json">')[1].split("<")[0]
    )
    assert data["tasks"][0]["overdue"] is True and data["tasks"][0]["colour"] == "#dc3545"
    assert data["milestones"] == [{"name": "试点运行", "date": "2026-06-30"}]
    assert [p["value"] for p in data["indicators"][0]["points"]] == [4.5, 3.8]
    assert data["indicators"][0]["target"] == 2.0


def test_programme_chart_filters_and_scopes(
    login, project, task, city_admin, shenxian_institution, shenxian_bureau, task_force
):
    other = make_contracted_project(city_admin, shenxian_institution, title="健康进校园")
    client = login(task_force)
    html = client.get(reverse("ledger:programme-chart")).content.decode()
    assert project.code in html and other.code in html
    county = other.implementing_unit.region.county
    html = client.get(reverse("ledger:programme-chart"), {"county": county.pk, "group": "county"})
    html = html.content.decode()
    assert other.code in html and project.code not in html
    html = login(shenxian_bureau).get(reverse("ledger:programme-chart")).content.decode()
    assert other.code in html and project.code not in html


def test_demo_builds_ledgers_once(city_admin, guanxian_institution, shenxian_institution):
    first = make_contracted_project(city_admin, guanxian_institution, title="预住院")
    second = make_contracted_project(city_admin, shenxian_institution, title="健康护航")
    counts = demo.load(today=datetime.date(2026, 9, 1))
    for project in (first, second):
        project.refresh_from_db()
        top = project.tasks.filter(parent=None).count()
        assert 5 <= top <= 15
        assert project.status == Project.Status.IN_PROGRESS
    assert counts["ledger_tasks"] == Task.objects.count() > 0
    assert ProgressUpdate.objects.filter(review="confirmed").exists()
    trend = first.indicators.get().measurements.confirmed().order_by("period")
    values = [m.value for m in trend]
    assert len(values) >= 3 and values[-1] < values[0]  # 术前等待 falls toward the target
    assert demo.load(today=datetime.date(2026, 9, 1)) == counts


def test_unit_edits_a_task_and_figures_stay(login, task, guanxian_unit):
    client = login(guanxian_unit)
    url = reverse("ledger:task-edit", args=[task.pk])
    assert "制定实施方案" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "制定并报备实施方案",
            "deadline": "2026-04-30",
            "weight": "3",
            "department": "院办",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.deadline, str(task.weight)) == (
        "制定并报备实施方案",
        datetime.date(2026, 4, 30),
        "3.00",
    )
    assert task.history.count() == 2


def test_pages_render_in_english_too(login, project, task, task_force):
    client = login(task_force)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("ledger:project-ledger", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
