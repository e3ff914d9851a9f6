"""The public portal on a phone, without an account: / lands on 改革进行时, a search finds a
project, its page shows the indicators with their latest confirmed figure and the trend chart;
nothing is loaded from outside and the page's scripts run under the CSP without an error."""

from decimal import Decimal

from playwright.sync_api import expect


def test_a_visitor_finds_a_project_and_its_indicators(
    page, live_server, demo_city, outside_requests
):
    from django.utils import timezone

    from jiebang.projects.models import Project
    from tests.factories import MeasurementFactory, ProjectFactory
    from tests.factories.ledger import _last_month

    project = ProjectFactory(status=Project.Status.IN_PROGRESS, title="预住院服务模式改革")
    ProjectFactory(status=Project.Status.PUBLISHED, title="门诊志愿服务")
    indicator = project.indicators.get()
    figure = MeasurementFactory  # the latest confirmed figure is shown, never one awaiting
    figure(indicator=indicator, period=_last_month(2), value=Decimal("4.10"), confirmed=True)
    figure(indicator=indicator, period=_last_month(1), value=Decimal("3.25"), confirmed=True)
    this_month = timezone.localdate().replace(day=1)
    figure(indicator=indicator, period=this_month, value=Decimal("9.99"))

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.locator("#headline-figures [data-figure=published]")).to_have_text("2")
    expect(page.locator("#dimension-chart canvas")).to_have_count(1)
    expect(page.locator("#public-nav")).not_to_be_visible()  # the phone's collapsed menu

    page.fill("#portal-search input[name=q]", "预住院")
    page.locator("#portal-search button[type=submit]").click()
    expect(page.locator("#project-results .project-card")).to_have_count(1)
    page.locator("#project-results a", has_text="预住院服务模式改革").click()

    expect(page.locator("#project-title")).to_have_text("预住院服务模式改革")
    expect(page.locator("#project-unit")).to_have_text("冠县人民医院")
    row = page.locator("#indicator-table .indicator-row")
    expect(row).to_contain_text(indicator.name)
    expect(row.locator(".latest-value")).to_have_text("3.25")
    expect(page.locator("#indicator-table")).not_to_contain_text("9.99")
    expect(page.locator(".indicator-chart canvas")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert outside_requests == []
    assert errors == []
