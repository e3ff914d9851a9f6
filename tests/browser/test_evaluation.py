"""Stage 6 main path: a rater fills the last score sheet from their queue, the admin closes
scoring, sees the corrected ranking and publishes the top ten, and the public page shows it."""

import pytest
from playwright.sync_api import expect

from .test_compete import switch_user

UNITS = [
    "东阿县人民医院",
    "冠县人民医院",
    "莘县人民医院",
    "聊城市人民医院",
    "聊城市第二人民医院",
    "聊城市中医医院",
    "临清市人民医院",
    "冠县中医医院",
    "聊城市第三人民医院",
    "阳谷县人民医院",
    "东阿县妇幼保健院",
]


@pytest.fixture
def scoring_round(demo_city):
    """Eleven completed projects nominated and admitted; a panel of three (panel_demo, a
    lenient and a harsh rater) drawn; every sheet handed in but panel_demo's for 东阿."""
    from jiebang.evaluation import services
    from jiebang.evaluation.models import Criterion, ScoreSheet
    from jiebang.orgs.models import Institution, User
    from jiebang.projects.models import Project
    from tests.factories.projects import ProjectFactory

    admin = User.objects.get(username="city_admin")
    round_ = services.create_round(acting_user=admin, name="十佳改革项目评选", year=2026)
    for i, name in enumerate(UNITS):
        title = "门诊志愿者服务" if i == 0 else f"改革项目{i:02d}"
        project = ProjectFactory(
            status=Project.Status.COMPLETED,
            implementing_unit=Institution.objects.get(name=name),
            title=title,
        )
        nomination = services.nominate(round_, project, acting_user=admin, write_up=f"{title}案例")
        services.screen_nomination(nomination, acting_user=admin, accept=True)
    raters = [
        User.objects.get(username="panel_demo"),
        User.objects.create_user("lenient", role="panel", full_name="宽松评委"),
        User.objects.create_user("harsh", role="expert", full_name="严格评委"),
    ]
    for user, kind in zip(raters, ("media", "public", "expert"), strict=True):
        services.add_panel_member(round_, acting_user=admin, user=user, kind=kind)
    services.draw_panel(round_, acting_user=admin)
    bias = {"panel_demo": 0, "lenient": 15, "harsh": -25}
    for sheet in ScoreSheet.objects.select_related("rater", "nomination__project"):
        title = sheet.nomination.project.title
        if sheet.rater.username == "panel_demo" and title == "门诊志愿者服务":
            continue
        quality = 95 if title == "门诊志愿者服务" else 60 + 3 * int(title[-2:])
        value = max(0, min(100, quality + bias[sheet.rater.username]))
        services.submit_sheet(
            sheet, acting_user=sheet.rater, scores=dict.fromkeys(Criterion.values, value)
        )
    return round_


def test_score_rank_publish_and_the_portal_shows_the_ten(
    page, live_server, scoring_round, outside_requests
):
    from jiebang.evaluation.models import PanelMember, ScoreSheet

    # The rater finds the round in the queue and fills the last blank sheet.
    switch_user(page, live_server, "panel_demo")
    seat = PanelMember.objects.get(user__username="panel_demo")
    page.goto(f"{live_server.url}/work/")
    page.locator(f'[id="work-evaluation.score_nominations-{seat.pk}"] a').first.click()
    expect(page.locator("#my-sheets .sheet-open")).to_have_count(1)
    page.locator("#my-sheets tr", has=page.locator(".sheet-open")).locator("a").click()
    expect(page.locator("#indicator-data")).to_be_visible()
    expect(page.locator("#verification")).to_be_visible()
    for field in ("innovation", "effectiveness", "replicability", "recognition"):
        page.fill(f"#sheet-form input[name={field}]", "92")
    page.fill("#sheet-form input[name=standardisation]", "90")
    page.fill("#sheet-form textarea[name=comment]", "全员轮值导诊，群众满意。")
    page.click("#save-scores")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#my-sheets .sheet-open")).to_have_count(0)
    assert not ScoreSheet.objects.filter(submitted_at=None).exists()

    # The admin closes scoring and sees the corrected ranking.
    switch_user(page, live_server, "city_admin")
    page.goto(f"{live_server.url}{scoring_round.get_absolute_url()}")
    expect(page.locator("#round-progress")).to_have_text("33 / 33")
    page.click("#close-round")
    expect(page.locator("#ranking-table tbody tr")).to_have_count(11)
    first = page.locator("#ranking-table tbody tr").first
    expect(first.locator(".standing-rank")).to_have_text("1")
    expect(first).to_contain_text("门诊志愿者服务")
    expect(page.locator("#agreement-table")).to_be_visible()

    # … and publishes the ten with their citations.
    page.click("#publish-link")
    cards = page.locator(".top-ten-card")
    expect(cards).to_have_count(10)
    for i in range(10):
        cards.nth(i).locator("textarea").fill(f"第{i + 1}名评语：举措务实，成效可感。")
    page.click("#publish-button")
    expect(page.locator(".alert-success")).to_be_visible()

    # The public page (no account) shows the ten.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/evaluation/top-ten/")
    entries = page.locator(".top-ten-entry")
    expect(entries).to_have_count(10)
    expect(entries.first.locator(".top-ten-title")).to_have_text("门诊志愿者服务")
    expect(entries.first).to_contain_text("东阿县人民医院")
    expect(entries.first).to_contain_text("第1名评语")
    expect(page.locator("body")).not_to_contain_text("宽松评委")
    assert outside_requests == []
