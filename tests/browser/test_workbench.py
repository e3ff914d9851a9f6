"""The workbench main path: a claim travels through the queues of the county and the city with
a notification at each step; the task force confirms five progress updates in one go from a
filtered queue; a unit's queue reads on a phone."""

import datetime

from playwright.sync_api import expect

from .test_compete import stage3, switch_user  # noqa: F401 — the stage-3 fixture

COUNT = '#work-counts [data-kind="{}"] .work-count-total'


def test_a_claim_through_the_queues_with_notifications(page, live_server, stage3):  # noqa: F811
    from jiebang.projects.models import Claim, Project

    claimed = stage3[0]
    switch_user(page, live_server, "unit_guanxian")
    page.goto(f"{live_server.url}{claimed.get_absolute_url()}")
    page.fill("#claim-card textarea[name=plan]", "三个月内在全院推开预住院服务。")
    page.click("#claim-card button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    claim = Claim.objects.get(project=claimed)

    # The county bureau opens on "1 待推荐的揭榜申请" and a notification.
    switch_user(page, live_server, "county_guanxian")
    expect(page.locator(COUNT.format("projects.endorse_claim"))).to_have_text("1")
    expect(page.locator("#bell-count")).to_have_text("1")
    page.click('#work-counts [data-kind="projects.endorse_claim"]')
    row = page.locator(f'[id="work-projects.endorse_claim-{claim.pk}"]')
    expect(row).to_contain_text("三个月内在全院推开预住院服务")
    row.locator("a").first.click()
    claim_row = page.locator(f"#claim-{claim.pk}")
    claim_row.locator("textarea[name=note]").fill("同意推荐")
    claim_row.locator("form[action$='/endorse/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#queue-badge")).to_have_count(0)

    # The city admin's home shows it to decide; approving clears it.
    switch_user(page, live_server, "city_admin")
    expect(page.locator(COUNT.format("projects.decide_claim"))).to_have_text("1")
    page.click('#work-counts [data-kind="projects.decide_claim"]')
    page.locator(f'[id="work-projects.decide_claim-{claim.pk}"] a').first.click()
    page.locator(f"#claim-{claim.pk} button.btn-success").click()
    expect(page.locator(".alert-success")).to_be_visible()
    claimed.refresh_from_db()
    assert claimed.status == Project.Status.CLAIMED

    # The unit is told: endorsed, then approved.
    switch_user(page, live_server, "unit_guanxian")
    expect(page.locator("#bell-count")).to_have_text("2")
    page.click("#bell")
    expect(page.locator("#notification-list")).to_contain_text("已批准")
    page.locator("#notification-list button", has_text="已批准").click()
    expect(page).to_have_url(f"{live_server.url}{claimed.get_absolute_url()}")
    expect(page.locator("#bell-count")).to_have_text("1")


def _five_updates():
    from jiebang.ledger import services as ledger
    from jiebang.orgs.demo import DEMO_PASSWORD
    from jiebang.orgs.models import Institution, User

    from ..ledger.conftest import make_contracted_project

    admin = User.objects.get(username="city_admin")
    unit = Institution.objects.get(name="冠县人民医院")
    head = User.objects.create_user(
        "head_guanxian", password=DEMO_PASSWORD, role="unit", institution=unit, is_unit_head=True
    )
    project = make_contracted_project(admin, unit, start=datetime.date.today())
    ledger.create_task(  # due in two days: in the head's queue
        project,
        acting_user=head,
        title="提交阶段总结",
        owner=head,
        deadline=datetime.date.today() + datetime.timedelta(days=2),
    )
    return [
        ledger.report_progress(
            ledger.create_task(
                project,
                acting_user=head,
                title=f"子任务{n}",
                deadline=datetime.date.today() + datetime.timedelta(days=60),
            ),
            acting_user=head,
            status="in_progress",
            percent=20 + n,
            text=f"第{n}次报送",
        )
        for n in range(5)
    ]


def test_batch_confirm_and_the_phone(page, live_server, demo_city):
    from jiebang.ledger.models import ProgressUpdate

    updates = _five_updates()
    switch_user(page, live_server, "taskforce")
    page.click("#queue-link")
    page.select_option("#queue-filters select[name=kind]", "ledger.confirm_update")
    page.click("#queue-filters button[type=submit]")
    expect(page.locator("#queue-count")).to_contain_text("5")
    expect(page.locator(".evidence-link, .review-buttons").first).to_be_visible()
    page.click("#select-all")
    page.click("#batch-submit")
    expect(page.locator(".alert-success")).to_contain_text("5")
    confirmed = ProgressUpdate.objects.filter(pk__in=[u.pk for u in updates], review="confirmed")
    assert confirmed.count() == 5

    # At phone size (390×844) the queue's rows are cards of label: value lines.
    page.set_viewport_size({"width": 390, "height": 844})
    switch_user(page, live_server, "head_guanxian")
    page.goto(f"{live_server.url}/work/")
    expect(page.locator("#work-table thead")).to_be_hidden()
    row = page.locator('#work-table tr[data-kind="ledger.task_due_soon"]')
    expect(row).to_contain_text("提交阶段总结")
    expect(row.locator("td").nth(0)).to_have_attribute("data-label", "截止日期")
    cell = row.locator("td").nth(2)
    assert cell.evaluate("c => c.getBoundingClientRect().width") > 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
