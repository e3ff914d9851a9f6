"""The public portal without an account: what it shows, and what never reaches it (drafts,
withdrawn projects, unconfirmed figures, updates not marked public, people's names and
phones, return reasons); search, filters and pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jiebang.ledger import services as ledger
from jiebang.projects.models import Project
from jiebang.supervision.models import Ticket
from tests.factories import (
    MeasurementFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProjectListFactory,
    TaskFactory,
)
from tests.factories.orgs import task_force

from .conftest import make_ticket

pytestmark = pytest.mark.django_db

SECRET_WORDS = [
    "草稿项目保密",  # a draft project's title
    "已撤回项目保密",  # a withdrawn project's title
    "草稿榜单项目保密",  # a published project in a list still in draft
    "77.77",  # an unconfirmed measurement
    "66.66",  # a returned measurement
    "内部进展未公开",  # a confirmed update not marked public
    "待确认进展说明",  # an update awaiting confirmation
    "退回原因保密",  # a return reason
    "赵保密",  # a unit user's name
    "13700001111",  # a unit user's phone
    "钱女士",  # a citizen's name
    "13911112222",  # a citizen's phone (field)
    "13855556666",  # a phone typed in the citizen's text
    "垃圾信息保密",  # a dismissed ticket
    "内部答复退回",  # a ticket's internal return reason
]


@pytest.fixture
def world(live_project, unit_user, client):
    """A live project with every kind of thing the public must not see, and the public
    things it must."""
    admin_list = live_project.project_list
    ProjectFactory(title="草稿项目保密")
    ProjectFactory(status=Project.Status.WITHDRAWN, title="已撤回项目保密")
    ProjectFactory(
        status=Project.Status.PUBLISHED, title="草稿榜单项目保密", project_list=ProjectListFactory()
    )
    indicator = live_project.indicators.get()
    MeasurementFactory(indicator=indicator, value=Decimal("3.25"), confirmed=True)
    MeasurementFactory(indicator=indicator, value=Decimal("77.77"))
    MeasurementFactory(indicator=indicator, value=Decimal("66.66"), returned="退回原因保密")
    task = TaskFactory(project=live_project, title="流程再造任务", owner=unit_user)
    hidden = ProgressUpdateFactory(task=task, text="内部进展未公开", confirmed=True)
    shown = ProgressUpdateFactory(task=task, percent=60, text="公开进展已确认", confirmed=True)
    ledger.set_update_public(shown, acting_user=task_force(), public=True)
    ProgressUpdateFactory(task=task, percent=70, text="待确认进展说明")
    ProgressUpdateFactory(task=task, percent=70, text="退回的进展", returned="退回原因保密")
    make_ticket(
        project=live_project,
        text="挂号排队太久，联系我13855556666",
        reply="已增开窗口，感谢监督。",
        rating=2,
        return_reason="内部答复退回",
    )
    make_ticket(project=live_project, rating=5)
    make_ticket(project=live_project, text="垃圾信息保密", status=Ticket.Status.DISMISSED)
    make_ticket(project=live_project, text="还在整改中的意见", status=Ticket.Status.OPEN)
    return {"project": live_project, "list": admin_list, "hidden": hidden, "shown": shown}


def _pages(project):
    return [
        reverse("portal:home"),
        reverse("portal:project-list"),
        reverse("portal:project-list") + "?q=保密",
        reverse("portal:project-detail", args=[project.pk]),
    ]


def test_nothing_private_on_any_public_page(world, client):
    for url in _pages(world["project"]):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for word in SECRET_WORDS:
            assert word not in text, (url, word)


def test_project_page_shows_what_is_public(world, client):
    project = world["project"]
    text = client.get(reverse("portal:project-detail", args=[project.pk])).content.decode()
    assert project.title in text
    assert str(project.implementing_unit) in text
    assert project.indicators.get().name in text
    assert "3.25" in text  # the latest confirmed figure
    assert "公开进展已确认" in text
    assert "挂号排队太久，联系我＊＊＊" in text  # the citizen's words, redacted
    assert "已增开窗口，感谢监督。" in text
    assert "还在整改中的意见" not in text  # not closed yet
    assert 'id="portal-chart-data"' in text
    assert f'href="{reverse("feedback:rate-project", args=[project.pk])}"' in text  # 扫码评价
    assert f'src="{reverse("feedback:project-qr", args=[project.pk])}"' in text


def test_withdrawn_draft_and_unpublished_projects_are_404(world, client):
    for project in Project.objects.exclude(pk=world["project"].pk):
        response = client.get(reverse("portal:project-detail", args=[project.pk]))
        assert response.status_code == 404, project.title


def test_home_figures_come_from_the_records(world, client):
    response = client.get(reverse("portal:home"))
    figures = response.context["figures"]
    assert figures["published"] == 1  # the draft, withdrawn and draft-list ones do not count
    assert figures["in_progress"] == 1
    assert figures["tickets_received"] == 3  # the dismissed one is not public
    assert figures["tickets_closed"] == 2
    assert figures["in_time_rate"] == 100.0
    assert figures["average_rating"] == 3.5
    assert figures["ratings"] == 2


def test_staff_see_the_same_public_page(world, login, city_admin):
    """Signed in, the project page is the public one (no internal figure for city staff)."""
    client = login(city_admin)
    text = client.get(reverse("portal:project-detail", args=[world["project"].pk])).content
    for word in SECRET_WORDS:
        assert word not in text.decode(), word


@pytest.fixture
def many(db):
    """25 public projects in one list, plus three to find."""
    project_list = ProjectListFactory(published=True, name="第二批榜单")
    rows = [
        ProjectFactory(
            status=Project.Status.PUBLISHED, project_list=project_list, title=f"项目{i:02d}"
        )
        for i in range(25)
    ]
    rows.append(
        ProjectFactory(
            status=Project.Status.IN_PROGRESS, title="预住院服务模式改革", code="JB2099-777"
        )
    )
    return project_list, rows


def _titles(response):
    return [p.title for p in response.context["page"].object_list]


def test_search_by_title_code_and_unit(many, client):
    url = reverse("portal:project-list")
    assert _titles(client.get(url, {"q": "预住院"})) == ["预住院服务模式改革"]
    assert _titles(client.get(url, {"q": "JB2099-777"})) == ["预住院服务模式改革"]
    by_unit = _titles(client.get(url, {"q": "冠县人民"}))
    assert by_unit == ["预住院服务模式改革"]  # the only one with a unit


def test_filters_by_list_and_status(many, client):
    project_list, rows = many
    url = reverse("portal:project-list")
    response = client.get(url, {"project_list": project_list.pk})
    assert response.context["page"].paginator.count == 25
    response = client.get(url, {"status": Project.Status.IN_PROGRESS})
    assert _titles(response) == ["预住院服务模式改革"]
    # A status the public never sees is refused by the form and filters nothing.
    response = client.get(url, {"status": Project.Status.DRAFT})
    assert response.status_code == 200
    assert "草稿" not in _titles(response)


def test_pages_of_twenty(many, client, django_assert_max_num_queries):
    url = reverse("portal:project-list")
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert len(first.context["page"].object_list) == 20
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 6
    for junk in ("0", "-3", "abc", "99999999999999999999999"):
        assert client.get(url, {"page": junk}).status_code == 200


def test_news_and_briefing_pages_open_without_an_account(client, db):
    for name in ("portal:news-list", "portal:briefing-list"):
        assert client.get(reverse(name)).status_code == 200


def test_anonymous_visitor_lands_on_the_portal(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert response.status_code == 200
