"""Foundation main path: log in through the real form and land on the zh-Hans home page."""

from playwright.sync_api import expect

from jiebang.orgs.demo import DEMO_PASSWORD


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")


def test_login_lands_on_chinese_home_with_nothing_from_outside(
    page, live_server, demo_city, outside_requests
):
    log_in(page, live_server, "county_guanxian")
    expect(page.locator("#welcome")).to_contain_text("欢迎")
    expect(page.locator("#role-badge")).to_have_text("县级卫健局")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#main-menu")).to_contain_text("征榜问需")
    expect(page.locator("#main-menu")).not_to_contain_text("审计日志")
    # Styles and scripts really come from our own static files.
    assert page.evaluate("typeof bootstrap") == "object"
    assert page.evaluate("typeof htmx") == "object"

    page.click("#main-menu >> text=机构")
    expect(page.locator("#institution-table")).to_contain_text("冠县人民医院")
    page.fill("#id_q", "莘县")
    expect(page.locator("#institution-table")).to_contain_text("没有符合条件的机构")
    assert outside_requests == []


def test_phone_menu_opens(browser, live_server, demo_city):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server, "unit_donge")
    expect(page.locator("#main-menu")).not_to_be_visible()
    page.click(".navbar-toggler")
    expect(page.locator("#main-menu")).to_be_visible()
    expect(page.locator("#main-menu")).to_contain_text("揭榜明责")
    context.close()
