"""Stage 6 spread and effect, main path: the task force finishes the step of a promotion it
owns (with its outputs), the promotion moves to the next step, and the project's effect page
shows the before/after figures with the intervention line on the chart."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .test_compete import switch_user


def _month(shift: int) -> datetime.date:
    from django.utils import timezone

    first = timezone.localdate().replace(day=1)
    months = first.year * 12 + first.month - 1 + shift
    return datetime.date(months // 12, months % 12 + 1, 1)


@pytest.fixture
def promoted(demo_city, settings, tmp_path):
    """预住院 of 冠县人民医院 under way for six months with 18 confirmed monthly figures (a drop
    of 1.5 days at its start), promoted; the task force owns the research step, started."""
    from jiebang.impact import services
    from jiebang.orgs.models import User
    from jiebang.projects.models import Project
    from tests.factories.ledger import MeasurementFactory
    from tests.factories.projects import ProjectFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    admin = User.objects.get(username="city_admin")
    task_force = User.objects.get(username="taskforce")
    project = ProjectFactory(
        status=Project.Status.IN_PROGRESS, title="预住院服务模式", start_date=_month(-6)
    )
    indicator = project.indicators.get()
    for k, shift in enumerate(range(-18, 0)):
        value = (5.0 if shift < -6 else 3.5) + (0.2 if k % 2 else -0.2) + 0.01 * (k % 5)
        MeasurementFactory(
            indicator=indicator, period=_month(shift), value=Decimal(str(value)), confirmed=True
        )
    promotion = services.start_promotion(project, acting_user=admin, title="“预住院”服务模式")
    research = promotion.steps.get(order=1)
    services.plan_step(
        research, acting_user=admin, owner=task_force, planned_start=None, planned_end=None
    )
    services.start_step(research, acting_user=task_force)
    return promotion


def test_task_force_finishes_a_step_and_reads_the_effect(
    page, live_server, promoted, outside_requests
):
    promotion = promoted
    switch_user(page, live_server, "taskforce")
    page.goto(f"{live_server.url}/impact/")
    page.get_by_role("link", name="“预住院”服务模式").click()
    expect(page.locator("#finish-form")).to_be_visible()
    page.fill(
        "#finish-form textarea[name=outputs]", "完成12个手术科室术前流程调研，形成调研诊断报告。"
    )
    page.click("#finish-button")
    expect(page.locator(".alert-success")).to_be_visible()
    research = page.locator(f"#step-{promotion.steps.get(order=1).pk}")
    expect(research).to_contain_text("完成12个手术科室术前流程调研")
    expect(research).to_have_class(re.compile("step-done"))
    expect(page.locator("#start-form")).to_be_visible()  # the pilot can start now

    page.click("#effect-link")
    block = page.locator(".effect-block").first
    expect(block.locator(".figures-count")).to_have_text("12 / 6")
    expect(block.locator(".mean-before")).to_have_text("5.02")
    expect(block.locator(".mean-after")).to_have_text("3.52")
    expect(block.locator(".verdict").first).to_have_class(
        __import__("re").compile("verdict-improved")
    )
    expect(block.locator(".effect-chart canvas")).to_be_visible()
    assert outside_requests == []
