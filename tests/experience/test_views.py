"""The staff pages: who sees and runs which event (city staff all, a county bureau its county,
a unit the events it hosts, read-only), the forms of the event page and the decision."""

from django.urls import reverse

from jiebang.experience.models import Event, Invitee, Suggestion
from jiebang.needs.models import Channel, FeedbackItem
from jiebang.projects.models import Project
from tests.factories.projects import ProjectFactory

from .conftest import days_ago


def _url(name, obj=None):
    return reverse(f"experience:{name}", args=[obj.pk] if obj is not None else [])


def test_unit_cannot_create_events(login, donge_unit, guanxian):
    client = login(donge_unit)
    assert client.get(_url("event-list")).status_code == 200
    assert client.get(_url("event-create")).status_code == 403
    response = client.post(
        _url("event-create"),
        {"kind": "officer", "title": "x", "date": days_ago(1).isoformat(), "region": guanxian.pk},
    )
    assert response.status_code == 403 and not Event.objects.exists()


def test_county_bureau_sees_only_its_county(login, guanxian_bureau, guanxian_event, shenxian_event):
    client = login(guanxian_bureau)
    text = client.get(_url("event-list")).content.decode()
    assert guanxian_event.title in text and shenxian_event.title not in text
    assert client.get(_url("event-detail", guanxian_event)).status_code == 200
    for name in ("event-detail", "event-edit"):
        assert client.get(_url(name, shenxian_event)).status_code == 404
    for name in ("invitee-add", "event-visit", "suggestion-add"):
        assert client.post(_url(name, shenxian_event), {}).status_code == 404
    invitee = shenxian_event.invitees.get()
    assert client.post(_url("invitee-remove", invitee)).status_code == 404
    assert Invitee.objects.filter(pk=invitee.pk).exists()
    figures = client.get(_url("figures")).content.decode()
    assert guanxian_event.title in figures and shenxian_event.title not in figures


def test_county_bureau_creates_an_event_in_its_county(login, guanxian_bureau, guanxian):
    client = login(guanxian_bureau)
    response = client.post(
        _url("event-create"),
        {
            "kind": "open_day",
            "title": "市民开放日走进冠县",
            "date": days_ago(2).isoformat(),
            "region": guanxian.pk,
            "methods": ["observation", "panel"],
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.created_by == guanxian_bureau and event.methods == ["observation", "panel"]
    # Neither a host nor a region: the form says so.
    response = client.post(
        _url("event-create"), {"kind": "open_day", "title": "无地点", "date": "2026-01-01"}
    )
    assert response.status_code == 200 and Event.objects.count() == 1


def test_host_unit_views_its_event_read_only(
    login, donge_unit, donge_event, guanxian_event, suggest, task_force
):
    suggestion = suggest(donge_event, task_force)
    client = login(donge_unit)
    text = client.get(_url("event-list")).content.decode()
    assert donge_event.title in text and guanxian_event.title not in text
    page = client.get(_url("event-detail", donge_event))
    text = page.content.decode()
    assert page.status_code == 200 and "钱党代表" in text
    assert "13912345678" not in text  # the phone is for those who run the event
    assert 'id="visit-card"' not in text and 'id="invitee-card"' not in text
    assert client.get(_url("event-edit", donge_event)).status_code == 403
    assert client.get(_url("suggestion-detail", suggestion)).status_code == 200
    response = client.post(_url("suggestion-decide", suggestion), {"decision": "decline"})
    assert response.status_code == 403
    assert client.get(_url("event-detail", guanxian_event)).status_code == 404


def test_expert_and_panel_see_nothing(login, expert, panel_member, guanxian_event):
    for user in (expert, panel_member):
        client = login(user)
        assert client.get(_url("event-list")).status_code == 403
        assert client.get(_url("event-detail", guanxian_event)).status_code == 403


def test_the_event_page_runs_the_event(login, task_force, make_event, guanxian_institution):
    event = make_event(task_force, host=guanxian_institution, date=days_ago(1))
    client = login(task_force)
    response = client.post(
        _url("invitee-add", event),
        {
            "invitee-name": "吴代表",
            "invitee-category": "npc_deputy",
            "invitee-affiliation": "县人大代表",
            "invitee-phone": "13800001111",
        },
    )
    assert response.status_code == 302
    invitee = event.invitees.get()
    # A suggestion before the visit is refused on the page, with the reason.
    response = client.post(
        _url("suggestion-add", event), {"invitee": invitee.pk, "text": "建议增加导诊员。"}
    )
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    response = client.post(
        _url("event-visit", event), {"visit_record": "跟随患者走完挂号、就诊、取药。"}
    )
    assert response.status_code == 302
    response = client.post(
        _url("suggestion-add", event), {"invitee": invitee.pk, "text": "建议增加导诊员。"}
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.feedback_item.channel == Channel.OFFICER
    text = client.get(_url("event-detail", event)).content.decode()
    assert (
        "13800001111" in text and "建议增加导诊员" in text and 'id="figure-suggestions">1<' in text
    )


def test_decide_on_the_suggestion_page(login, task_force, guanxian_event, suggest):
    project = ProjectFactory(status=Project.Status.PUBLISHED, title="门诊导诊服务提升")
    suggestion = suggest(guanxian_event, task_force)
    client = login(task_force)
    page = client.get(_url("suggestion-detail", suggestion)).content.decode()
    assert 'id="decision-form"' in page and project.title in page
    response = client.post(_url("suggestion-decide", suggestion), {"decision": "adopt"})
    assert response.status_code == 200  # neither project nor measure: the form says why
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.RECEIVED
    assert client.post(_url("suggestion-study", suggestion)).status_code == 302
    response = client.post(
        _url("suggestion-decide", suggestion),
        {"decision": "adopt", "project": project.pk, "measure": "设导诊岗"},
    )
    assert response.status_code == 302 and response["Location"] == guanxian_event.get_absolute_url()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ADOPTED and suggestion.project == project
    page = client.get(_url("suggestion-detail", suggestion)).content.decode()
    assert 'id="decision-form"' not in page and project.title in page


def test_list_and_figures_queries_do_not_grow_with_the_events(
    login, city_admin, make_event, guanxian, suggest, django_assert_max_num_queries
):
    """Pinned: 14 queries for the list, 16 for the figures (the filter's counties, the
    by-category counts), whatever the number of events on the page."""

    def add_events(n):
        for i in range(n):
            event = make_event(
                city_admin,
                title=f"活动{i}",
                region=guanxian,
                held=True,
                invitees=[("孙代表", Invitee.Category.PARTY_DEPUTY)],
            )
            suggest(event, city_admin)

    client = login(city_admin)
    for n in (1, 5):
        add_events(n)
        with django_assert_max_num_queries(14):
            assert client.get(_url("event-list")).status_code == 200
        with django_assert_max_num_queries(16):
            assert client.get(_url("figures")).status_code == 200
    assert FeedbackItem.objects.count() == 6


def test_junk_in_the_query_string_is_ignored(login, city_admin, guanxian_event):
    client = login(city_admin)
    huge = "9" * 26
    for url in (_url("event-list"), _url("figures"), reverse("experience:public-list")):
        for query in ({"page": huge}, {"county": huge}, {"date_from": "x", "kind": "?"}):
            assert client.get(url, query).status_code == 200, (url, query)
    assert client.get(f"/experience/public/{huge}/").status_code == 404
