"""Stage 5's main path on a phone: a patient scans a window's QR code (opens its URL), rates it
with a comment and gets a tracking number; the unit answers from its queue; the county bureau
accepts; the reply appears on the public tracking page."""

from playwright.sync_api import expect

from .test_compete import switch_user


def test_scan_rate_answer_and_the_reply_is_public(page, live_server, demo_city):
    from jiebang.needs import services as needs
    from jiebang.orgs.demo import DEMO_PASSWORD
    from jiebang.orgs.models import Institution, User
    from jiebang.supervision.models import ServicePoint, Ticket

    needs.ensure_categories()
    hospital = Institution.objects.get(name="冠县人民医院")
    User.objects.create_user(
        "unit_guanxian", password=DEMO_PASSWORD, role="unit", institution=hospital
    )
    window = ServicePoint.objects.create(institution=hospital, name="门诊挂号收费窗口")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/feedback/w/{window.pk}/")
    expect(page.locator("#rated")).to_contain_text("门诊挂号收费窗口")
    page.locator("label[for=id_rating_3]").click()  # the fourth button: 2 stars
    page.fill("textarea[name=comment]", "挂号收费窗口中午只开一个，排队四十分钟。")
    page.fill("input[name=phone]", "13912345678")
    page.locator("#rate-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("受理编号")
    number = page.locator("#tracking-number").inner_text()
    ticket = Ticket.objects.get(number=number)
    assert ticket.rating == 2 and ticket.unit == hospital
    expect(page.locator("#track-status")).to_have_text("整改中")

    switch_user(page, live_server, "unit_guanxian")
    page.goto(f"{live_server.url}/work/")
    page.locator(f'[id="work-supervision.answer_ticket-{ticket.pk}"] a').first.click()
    page.fill("#answer-card textarea[name=reply]", "中午增开两个窗口，排队已缩短到十分钟以内。")
    page.click("#answer-button")
    expect(page.locator(".alert-success")).to_be_visible()

    switch_user(page, live_server, "county_guanxian")
    page.goto(f"{live_server.url}/work/")
    page.locator(f'[id="work-supervision.check_ticket-{ticket.pk}"] a').first.click()
    page.click("#accept-button")
    expect(page.locator("#ticket-status")).to_have_text("已办结")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/feedback/track/")
    page.fill("input[name=number]", number)
    page.locator("#track-form button[type=submit]").click()
    expect(page.locator("#public-reply")).to_contain_text("中午增开两个窗口")
    expect(page.locator("body")).not_to_contain_text("13912345678")
