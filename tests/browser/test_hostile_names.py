"""Stored script injection (issue 9): names that carry a script, typed where names are typed (a
task by its unit, an institution by its county bureau, a project, a milestone, a category and a
citizen's message by the services), then read by the city admin on every page and chart, with
every chart tooltip shown. Nothing may run, and nothing may even reach the page as markup: the
Content-Security-Policy would block it, so a violation report fails the test as well."""

import pytest
from playwright.sync_api import expect

from .test_accountability import open_menu, stage4  # noqa: F401 (fixture)
from .test_compete import switch_user

PAYLOAD = "<img src=x onerror=window.__xss=1><script>window.__xss=2</script>"
SHORT = "<img src=x onerror=__xss=3>"  # fits a 40-character category name

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(e.violatedDirective + " " + (e.sample || e.blockedURI)));
"""

SHOW_EVERY_TOOLTIP = """
() => {
  let shown = 0;
  document.querySelectorAll("[_echarts_instance_]").forEach((box) => {
    const chart = echarts.getInstanceByDom(box);
    chart.getOption().series.forEach((series, s) => {
      const n = Array.isArray(series.data) ? series.data.length : 0;
      for (let i = 0; i < n; i++) {
        chart.dispatchAction({ type: "showTip", seriesIndex: s, dataIndex: i });
        shown++;
      }
    });
  });
  return shown;
}
"""


@pytest.fixture
def hostile(stage4):  # noqa: F811 (the fixture imported above)
    """Names stored with a script in them by the services (the unit and the county type
    theirs in the test)."""
    from jiebang.needs import services as needs
    from jiebang.needs.models import Category, FeedbackItem
    from jiebang.orgs.models import Region
    from jiebang.projects.models import Milestone, Project

    project, _letter, _on_time, overdue = stage4
    Project.objects.filter(pk=project.pk).update(title="预住院" + PAYLOAD)
    Milestone.objects.create(project=project, title="里程碑" + PAYLOAD, due_date=overdue.deadline)
    item = needs.record_public_feedback(
        channel="online",
        text="反映问题：门诊排队时间太长" + PAYLOAD,
        region=Region.objects.get(name="东阿县"),
    )
    needs.ensure_categories()
    category = Category.objects.order_by("order").first()
    category.name = "类" + SHORT
    category.save()
    FeedbackItem.objects.filter(pk=item.pk).update(category=category, confidence=0.9)
    project.refresh_from_db()
    return stage4


def assert_nothing_ran(page, where):
    assert page.evaluate("window.__xss") is None, f"a script ran on {where}"
    assert page.evaluate("window.__violations") == [], f"markup reached {where}"


def test_script_bearing_names_never_run(page, live_server, hostile):
    project, _letter, on_time, overdue = hostile
    url = live_server.url
    page.set_default_timeout(10_000)
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))

    # The unit types a task whose title carries a script.
    switch_user(page, live_server, "unit_donge")
    page.goto(f"{url}/ledger/projects/{project.pk}/tasks/new/")
    page.get_by_label("任务", exact=True).fill("任务" + PAYLOAD)
    page.get_by_label("截止日期").fill(overdue.deadline.isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert_nothing_ran(page, "the task page")

    # The county bureau renames one of its institutions the same way.
    from jiebang.orgs.models import Institution

    institution = Institution.objects.get(name="东阿县人民医院")
    switch_user(page, live_server, "county_shenxian")
    from jiebang.core.scoping import user_scope
    from jiebang.orgs.models import User

    bureau = User.objects.get(username="county_shenxian")
    other = Institution.objects.filter(region__path__startswith=user_scope(bureau).region_path)[0]
    page.goto(f"{url}/orgs/institutions/{other.pk}/edit/")
    page.get_by_label("名称").fill("医院" + PAYLOAD)
    page.get_by_role("button", name="保存").click()
    assert_nothing_ran(page, "the institution page")

    # The city admin reads every page and chart and hovers over every bar.
    switch_user(page, live_server, "city_admin")
    pages = [
        "/",
        project.get_absolute_url(),
        f"/ledger/projects/{project.pk}/",
        f"/ledger/projects/{project.pk}/chart/",
        "/ledger/chart/",
        "/ledger/chart/?group=county",
        "/ledger/",
        "/ledger/queue/",
        f"/ledger/tasks/{overdue.pk}/",
        "/needs/heatmap/",
        "/needs/heatmap/?axis=institution",
        "/needs/feedback/",
        "/orgs/institutions/",
        f"/orgs/institutions/{institution.pk}/",
        "/projects/",
        "/audit/",
    ]
    tooltips = 0
    for path in pages:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        tooltips += page.evaluate(f"typeof echarts === 'undefined' ? 0 : ({SHOW_EVERY_TOOLTIP})()")
        assert_nothing_ran(page, path)
    assert tooltips >= 8  # the charts were there and every point's tooltip was drawn
    # The payload is shown as text where it is listed.
    page.goto(f"{url}/ledger/projects/{project.pk}/chart/")
    expect(page.get_by_text("任务<img src=x", exact=False).first).to_be_visible()
    open_menu(page, "任务台账")
    assert_nothing_ran(page, "the task ledger")
