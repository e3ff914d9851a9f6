"""Stage 4 main path: the unit head confirms the responsibility letter, the owner reports
progress with an evidence file, the task force confirms it, finds the overdue task in 我的待办,
records an interview (约谈); the unit rectifies, the task force accepts (验收), and the
overdue task is done on the Gantt and gone from the queue."""

import datetime
import json

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from .test_compete import switch_user

ON_TIME = "制定预住院服务实施方案"
OVERDUE = "门诊术前检查流程改造"


@pytest.fixture
def stage4(demo_city, settings, tmp_path):
    """A project of 东阿县人民医院 claimed through its county and approved by the city, with an
    indicator, a milestone, its letter generated (draft) and two tasks owned by unit_donge:
    one due in a month, one whose deadline passed five days ago."""
    from jiebang.accountability import services as accountability
    from jiebang.core.roles import Role
    from jiebang.ledger import services as ledger
    from jiebang.orgs.models import Institution, Region, User
    from jiebang.projects.claim import services as claim_services
    from jiebang.projects.lists import services as list_services
    from jiebang.projects.models import Dimension, Project
    from jiebang.projects.project import services as project_services

    settings.MEDIA_ROOT = tmp_path / "media"
    admin = User.objects.get(username="city_admin")
    task_force = User.objects.get(username="taskforce")
    head = User.objects.get(username="unit_donge")
    donge = Region.objects.get(name="东阿县")
    # The demo has no bureau user for 东阿县; its county endorses the claim.
    bureau = User.objects.create_user(
        "county_donge",
        full_name="东阿县卫生健康局",
        role=Role.COUNTY_BUREAU,
        region=donge,
        institution=Institution.objects.filter(kind=Institution.Kind.BUREAU, region=donge).first(),
    )
    project_services.ensure_dimensions()
    today = timezone.localdate()
    project = project_services.create_project(
        acting_user=admin,
        title="预住院服务模式改革",
        description="术前检查在门诊完成，缩短平均住院日。",
        dimension=Dimension.objects.get(name="流程优化"),
        channel=Project.Channel.OPEN,
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=300),
    )
    project_services.add_indicator(
        project,
        acting_user=admin,
        name="术前平均等待时间",
        unit="天",
        baseline=5,
        target="2.5",
        direction="down",
    )
    project_services.add_milestone(
        project,
        acting_user=admin,
        title="试点科室上线",
        due_date=today + datetime.timedelta(days=90),
    )
    project_list = list_services.create_list(acting_user=admin, name="第一批榜单")
    list_services.add_projects_to_list(project_list, [project], acting_user=admin)
    list_services.publish_list(project_list, acting_user=admin)
    project.refresh_from_db()
    claim = claim_services.claim_project(project, acting_user=head, plan="三个月内全院推开。")
    claim_services.endorse_claim(claim, acting_user=bureau)
    claim_services.approve_claim(claim, acting_user=admin)
    project.refresh_from_db()
    assert project.status == Project.Status.CLAIMED
    letter = accountability.generate_letter(project, acting_user=task_force)

    # create_task takes a past deadline as it is (the ledger may record a late decomposition),
    # so the overdue task needs no queryset update.
    on_time = ledger.create_task(
        project,
        acting_user=head,
        title=ON_TIME,
        department="医务科",
        owner=head,
        start=today - datetime.timedelta(days=20),
        deadline=today + datetime.timedelta(days=30),
        weight=2,
    )
    overdue = ledger.create_task(
        project,
        acting_user=head,
        title=OVERDUE,
        department="门诊部",
        owner=head,
        start=today - datetime.timedelta(days=40),
        deadline=today - datetime.timedelta(days=5),
    )
    assert overdue.is_overdue and not on_time.is_overdue
    return project, letter, on_time, overdue


def evidence_png(tmp_path):
    path = tmp_path / "门诊流程图.png"
    Image.new("RGB", (40, 20), (25, 135, 84)).save(path)
    return path


def open_menu(page, label):
    """Click a main-menu entry (its icon glyph is part of the link's accessible name)."""
    page.locator("#main-menu a.nav-link", has_text=label).first.click()


def chart_data(page):
    return json.loads(page.locator("#ledger-chart-data").text_content())


def test_letter_progress_interview_acceptance_gantt(
    page, live_server, stage4, tmp_path, outside_requests
):
    from jiebang.ledger.models import ProgressUpdate, Task

    project, letter, on_time, overdue = stage4
    url = live_server.url
    chart_url = f"{url}/ledger/projects/{project.pk}/chart/"
    page.set_default_timeout(10_000)

    # The unit head opens the draft letter from the menu and confirms it: contracted.
    switch_user(page, live_server, "unit_donge")
    open_menu(page, "责任书")
    page.locator(f"#letter-{letter.pk}").get_by_role("link", name=project.title).click()
    expect(page.locator("#letter-status")).to_have_text("草稿")
    expect(page.locator("#letter-body")).to_contain_text("术前平均等待时间")
    page.locator("#confirm-card").get_by_role("button", name="确认").click()
    expect(page.locator(".alert-success")).to_contain_text("您已确认责任书")
    expect(page.locator("#letter-status")).to_have_text("已确认")
    page.locator(".breadcrumb").get_by_role("link", name=project.code).click()
    expect(page.locator("#project-status")).to_have_text("已签约")
    expect(page.locator("#current-letter")).to_be_visible()

    # The owner sees the overdue task in 我的待办 and reports progress on the other one,
    # with a real PNG as evidence.
    open_menu(page, "我的待办")
    own = page.locator(f'[id="work-ledger.overdue_task-{overdue.pk}"]')
    expect(own).to_contain_text(OVERDUE)
    expect(own).to_contain_text("已逾期")
    open_menu(page, "任务台账")
    page.get_by_role("link", name=ON_TIME).click()
    expect(page.locator("h1")).to_contain_text(ON_TIME)
    report = page.locator("#report-card")
    # The date input holds today as an ISO date (a locale format would leave it empty).
    expect(report.get_by_label("日期")).to_have_value(timezone.localdate().isoformat())
    report.get_by_label("状态").select_option(label="进行中")
    report.get_by_label("进度（%）").fill("40")
    report.get_by_label("进展说明").fill("已完成实施方案初稿，提交院长办公会讨论。")
    report.get_by_label("佐证材料").set_input_files(str(evidence_png(tmp_path)))
    report.get_by_role("button", name="提交确认").click()
    expect(page.locator(".alert-success")).to_contain_text("进度已提交，等待确认")
    update = ProgressUpdate.objects.get(task=on_time)
    row = page.locator(f"#update-{update.pk}")
    expect(row).to_contain_text("待确认")
    expect(row.locator(".evidence-link")).to_have_text("门诊流程图.png")

    # The task force: the overdue task and the update wait in its queue; it confirms the update.
    switch_user(page, live_server, "taskforce")
    open_menu(page, "我的待办")
    expect(page.locator("h1")).to_contain_text("我的待办")
    overdue_row = page.locator(f'[id="work-ledger.overdue_task-{overdue.pk}"]')
    expect(overdue_row).to_contain_text("已逾期")
    waiting = page.locator(f'[id="work-ledger.confirm_update-{update.pk}"]')
    expect(waiting).to_contain_text(ON_TIME)
    expect(waiting).to_contain_text("40%")
    expect(waiting.locator(".evidence-link")).to_have_text("门诊流程图.png")
    waiting.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("进度已确认")
    expect(page.locator(f'[id="work-ledger.confirm_update-{update.pk}"]')).to_have_count(0)

    # Before the interview the Gantt shows the overdue task in red.
    page.goto(chart_url)
    expect(page.locator(f"#gantt-row-{overdue.pk} .overdue")).to_have_text("已逾期")
    expect(page.locator(f"#gantt-row-{on_time.pk}")).to_contain_text("40%")
    before = {t["id"]: t for t in chart_data(page)["tasks"]}
    assert before[overdue.pk]["overdue"] is True
    assert before[on_time.pk]["status"] == "in_progress"

    # It records an interview (约谈) on the overdue task with a rectification deadline.
    open_menu(page, "工作专班")
    page.get_by_role("link", name=f"{project.code} {project.title}").click()
    page.locator("#record-interview").click()
    expect(page.locator("h1")).to_have_text("记录约谈")
    page.get_by_label(OVERDUE).check()
    expect(page.get_by_label(ON_TIME)).to_have_count(0)  # not overdue: not offered
    now = timezone.localtime()
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("被约谈人").fill("东阿县人民医院院长")
    page.get_by_label("约谈人", exact=True).fill("市级专班组长")
    page.get_by_label("约谈时间").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("约谈发现的问题").fill("门诊术前检查流程改造逾期，科室间衔接不畅。")
    page.get_by_label("整改期限").fill(deadline.isoformat())
    page.get_by_role("button", name="保存约谈记录").click()
    expect(page.locator(".alert-success")).to_contain_text("约谈已记录")
    expect(page.locator("#rectification-status")).to_have_text("待整改")
    expect(page.locator("#interview-tasks")).to_contain_text(OVERDUE)
    interview_url = page.url

    # The unit submits its rectification report.
    switch_user(page, live_server, "unit_donge")
    open_menu(page, "约谈整改")
    page.locator("#interview-table a").first.click()
    expect(page).to_have_url(interview_url)
    submit = page.locator("#submit-card")
    submit.get_by_label("整改报告").fill("已打通门诊与住院信息系统，术前检查流程上线运行。")
    submit.get_by_role("button", name="提交").click()
    expect(page.locator(".alert-success")).to_contain_text("整改报告已提交")
    expect(page.locator("#rectification-status")).to_have_text("已提交")

    # The task force accepts (验收): the loop closes and the task is done.
    switch_user(page, live_server, "taskforce")
    page.goto(interview_url)
    accept = page.locator("#accept-card")
    accept.get_by_label("验收意见").fill("现场核查流程已上线，同意销号。")
    accept.get_by_role("button", name="验收并销号").click()
    expect(page.locator("#rectification-status")).to_have_text("已验收")
    expect(page.locator("#interview-tasks")).to_contain_text("已完成 100%")
    expect(page.locator("#interview-tasks")).not_to_contain_text("已逾期")

    # The Gantt shows the change: done at 100 %, no longer overdue, the progress counted.
    page.goto(chart_url)
    expect(page.locator("#gantt canvas")).to_have_count(1)
    done_row = page.locator(f"#gantt-row-{overdue.pk}")
    expect(done_row).to_contain_text("100%")
    expect(done_row.locator(".overdue")).to_have_count(0)
    expect(done_row).not_to_have_class("table-danger")
    after = {t["id"]: t for t in chart_data(page)["tasks"]}
    assert after[overdue.pk]["status"] == "done" and after[overdue.pk]["overdue"] is False
    assert (after[on_time.pk]["status"], after[on_time.pk]["percent"]) == ("in_progress", 40)
    # Weighted: (2 × 40 + 1 × 100) / 3 = 60.
    expect(page.locator("#project-progress")).to_have_attribute("data-progress", "60.0")
    expect(page.locator("#project-status")).to_have_text("进行中")

    # … and the queue no longer lists it.
    open_menu(page, "我的待办")
    expect(page.locator("h1")).to_contain_text("我的待办")
    expect(page.locator(f'[id="work-ledger.overdue_task-{overdue.pk}"]')).to_have_count(0)

    assert Task.objects.get(pk=overdue.pk).status == Task.Status.DONE
    assert outside_requests == []
