"""Stage 5 experience supervision main path: the task force records an experience-officer
event at 冠县人民医院 with an invitee, the visit and a suggestion, adopts the suggestion into a
published project; the public page (no account) shows it adopted, and no name or phone."""

import datetime

from playwright.sync_api import expect

from jiebang.orgs.demo import DEMO_PASSWORD

SUGGESTION = "门诊导诊标识不清，建议在一楼大厅增设导诊台。"
MEASURE = "一楼大厅增设导诊台，安排志愿者值守"


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()


def test_an_event_with_a_suggestion_adopted_into_a_project(
    page, live_server, demo_city, outside_requests
):
    from jiebang.experience.models import Invitee, Suggestion
    from jiebang.needs.models import Channel
    from jiebang.projects.models import Project
    from tests.factories.projects import ProjectFactory

    project = ProjectFactory(status=Project.Status.PUBLISHED, title="门诊智慧导诊服务")
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()

    _log_in(page, live_server, "taskforce")
    page.goto(f"{live_server.url}/experience/")
    page.click("#create-event")
    form = page.locator("#event-form")
    form.locator("select[name=kind]").select_option("officer")
    form.locator("input[name=title]").fill("改革体验官走进冠县人民医院")
    form.locator("input[name=date]").fill(yesterday)
    form.locator("select[name=host]").select_option(label="冠县人民医院")
    form.locator("input[name=place]").fill("门诊大厅")
    form.locator("input[name=methods][value=follow_through]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("改革体验官走进冠县人民医院")

    invite = page.locator("#invitee-card")
    invite.locator("input[name=invitee-name]").fill("王人大")
    invite.locator("select[name=invitee-category]").select_option("npc_deputy")
    invite.locator("input[name=invitee-affiliation]").fill("冠县人大代表")
    invite.locator("input[name=invitee-phone]").fill("13955556666")
    invite.locator("button[type=submit]").click()
    expect(page.locator("#invitee-table")).to_contain_text("王人大")

    visit = page.locator("#visit-card")
    visit.locator("textarea[name=visit_record]").fill("体验官以患者身份挂号就诊，全程跟随流程。")
    visit.locator("button[type=submit]").click()
    expect(page.locator("#event-status")).to_have_class("badge fs-6 text-bg-success")

    card = page.locator("#suggestion-card")
    invitee = Invitee.objects.get(name="王人大")
    card.locator("select[name=invitee]").select_option(str(invitee.pk))
    card.locator("textarea[name=text]").fill(SUGGESTION)
    card.locator("button[type=submit]").click()
    expect(page.locator("#suggestion-table")).to_contain_text(SUGGESTION)
    suggestion = Suggestion.objects.get()
    assert suggestion.feedback_item.channel == Channel.OFFICER

    page.locator(f"#suggestion-{suggestion.pk} a.btn-primary").click()
    decision = page.locator("#decision-form")
    decision.locator("input[name=decision][value=adopt]").check()
    decision.locator("select[name=project]").select_option(str(project.pk))
    decision.locator("textarea[name=measure]").fill(MEASURE)
    decision.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    row = page.locator(f"#suggestion-{suggestion.pk}")
    expect(row.locator(".suggestion-status")).to_have_class(
        "badge suggestion-status status-adopted text-bg-success"
    )
    expect(row).to_contain_text(project.title)
    expect(page.locator("#figure-adopted")).to_have_text("1")

    # The public: no account, the event and its adopted suggestion, nobody's name or phone.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/experience/public/")
    expect(page.locator("#figure-adopted")).to_have_text("1")
    page.locator("#public-events a").first.click()
    suggestions = page.locator("#public-suggestions")
    expect(suggestions).to_contain_text(SUGGESTION)
    expect(suggestions.locator(".status-adopted")).to_have_count(1)
    expect(suggestions).to_contain_text(project.title)
    expect(suggestions).to_contain_text(MEASURE)
    body = page.locator("main")
    expect(body).not_to_contain_text("王人大")
    expect(body).not_to_contain_text("13955556666")
    expect(body).not_to_contain_text("冠县人大代表")
    assert outside_requests == []
