"""Stage 3 main path: a unit claims a project, its county endorses, the city approves; the
admin runs 派单, gives one project to another unit, confirms; the unit sees its assignment."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiebang.orgs.demo import DEMO_PASSWORD

from .test_login import log_in


@pytest.fixture
def stage3(demo_city):
    """A published list: one open project to claim, two left for 派单; 莘县人民医院 has the
    capabilities both 派单 projects need, 冠县人民医院 a unit user of its own."""
    from jiebang.core.roles import Role
    from jiebang.orgs.models import Institution, Region, User
    from jiebang.projects.assign import services as assign_services
    from jiebang.projects.lists import services as list_services
    from jiebang.projects.project import services as project_services

    admin = User.objects.get(username="city_admin")
    project_services.ensure_dimensions()
    guanxian = Institution.objects.get(name="冠县人民医院")
    shenxian = Institution.objects.get(name="莘县人民医院")
    User.objects.create_user(
        "unit_guanxian", password=DEMO_PASSWORD, role=Role.UNIT, institution=guanxian
    )
    assign_services.update_unit_profile(
        shenxian, acting_user=admin, capabilities=["信息化", "慢病管理"], project_capacity=2
    )
    start = datetime.date.today()
    specs = [
        ("预住院服务", None, [], 3),
        ("检查结果互认平台", None, ["信息化"], 4),
        ("慢病随访管理", Region.objects.get(name="莘县"), ["慢病管理"], 3),
    ]
    projects = []
    for title, region, capabilities, priority in specs:
        project = project_services.create_project(
            acting_user=admin,
            title=title,
            region=region,
            capabilities=capabilities,
            priority=priority,
            start_date=start,
            end_date=start + datetime.timedelta(days=90),
        )
        project_services.add_indicator(
            project, acting_user=admin, name="覆盖率", unit="%", baseline=10, target=80
        )
        projects.append(project)
    project_list = list_services.create_list(acting_user=admin, name="第一批榜单")
    list_services.add_projects_to_list(project_list, projects, acting_user=admin)
    list_services.publish_list(project_list, acting_user=admin)
    return projects


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    log_in(page, live_server, username)
    expect(page.locator("#user-menu")).to_be_visible()


def test_claim_endorse_approve_then_assign(page, live_server, stage3, outside_requests):
    from jiebang.orgs.models import Institution
    from jiebang.projects.models import Claim, Project

    claimed, assigned, other = stage3

    # 点单: the unit claims the open project with its plan.
    switch_user(page, live_server, "unit_guanxian")
    page.goto(f"{live_server.url}{claimed.get_absolute_url()}")
    page.fill("#claim-card textarea[name=plan]", "三个月内在全院推开预住院服务。")
    page.click("#claim-card button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("提交")
    claim = Claim.objects.get(project=claimed)

    # The county bureau endorses it.
    switch_user(page, live_server, "county_guanxian")
    page.goto(f"{live_server.url}/projects/claims/")
    row = page.locator(f"#claim-{claim.pk}")
    row.locator("textarea[name=note]").fill("同意推荐")
    row.locator("form[action$='/endorse/'] button[type=submit]").click()
    expect(page.locator(f"#claim-{claim.pk}")).to_have_count(0)

    # The city approves it: the project is claimed by 冠县人民医院.
    switch_user(page, live_server, "city_admin")
    page.goto(f"{live_server.url}/projects/claims/")
    page.locator(f"#claim-{claim.pk} button.btn-success").click()
    expect(page.locator(".alert-success")).to_be_visible()
    claimed.refresh_from_db()
    assert claimed.status == Project.Status.CLAIMED

    # 派单: the two unclaimed projects are picked by default; the engine gives both to 莘县.
    page.goto(f"{live_server.url}{reverse('projects:assign-index')}")
    expect(page.locator("#assign-projects")).to_contain_text("检查结果互认平台")
    expect(page.locator("#assign-projects")).not_to_contain_text("预住院服务")
    page.click("#run-engine")
    expect(page.locator("#solver-status")).to_have_text("最优")
    pair = page.locator(f"#pair-{assigned.pk}")
    expect(pair.locator(".pair-unit")).to_contain_text("莘县人民医院")
    expect(pair).to_contain_text("信息化")
    expect(page.locator(f"#pair-{other.pk} .pair-unit")).to_contain_text("莘县人民医院")

    # The admin gives the platform to 冠县人民医院 instead, then confirms.
    pair.locator("a.reassign").click()
    guanxian = Institution.objects.get(name="冠县人民医院")
    pair.locator("select").select_option(value=str(guanxian.pk))
    pair.locator("form button[type=submit]").click()
    pair = page.locator(f"#pair-{assigned.pk}")
    expect(pair.locator(".pair-unit")).to_contain_text("冠县人民医院")
    expect(pair.locator(".pair-unit")).to_contain_text("已调整")
    expect(pair.locator(".pair-score")).to_have_text("2.00")
    page.click("#confirm-run")
    expect(page.locator("#run-status")).to_have_text("已确认")
    expect(page.locator("#run-confirmed")).to_be_visible()

    # The unit sees both its projects: the one it claimed and the one assigned to it.
    switch_user(page, live_server, "unit_guanxian")
    page.click("#main-menu >> text=我的任务")
    table = page.locator("#my-projects")
    expect(table.locator(f"#my-project-{assigned.pk}")).to_contain_text("检查结果互认平台")
    expect(table.locator(f"#my-project-{assigned.pk}")).to_contain_text("派单")
    expect(table.locator(f"#my-project-{claimed.pk}")).to_contain_text("预住院服务")
    expect(table).not_to_contain_text("慢病随访管理")
    assert outside_requests == []
