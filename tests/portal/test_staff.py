"""The staff's pages behind the portal: city staff write and publish news, press conferences
and briefings; nobody else may, and a visitor without an account never reaches them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jiebang.core.navigation import menu_for
from jiebang.portal import services
from jiebang.portal.models import Briefing, NewsItem

pytestmark = pytest.mark.django_db

NEWS = {
    "kind": "news",
    "title": "全市召开揭榜挂帅推进会",
    "date": "2026-11-20",
    "source": "聊城市卫生健康委员会",
    "venue": "",
    "speakers": "",
    "body": "会议通报了各项目进展。",
}


@pytest.fixture
def news(city_admin):
    return services.create_news(
        acting_user=city_admin, **{**NEWS, "date": datetime.date(2026, 11, 20)}
    )


@pytest.fixture
def briefing(city_admin):
    today = timezone.localdate()
    return services.generate_briefing(
        acting_user=city_admin, period_start=today - datetime.timedelta(days=14), period_end=today
    )


def staff_urls(news, briefing):
    return [
        ("get", reverse("portal:news-manage")),
        ("get", reverse("portal:news-create")),
        ("post", reverse("portal:news-create")),
        ("get", reverse("portal:news-edit", args=[news.pk])),
        ("post", reverse("portal:news-publish", args=[news.pk])),
        ("post", reverse("portal:news-unpublish", args=[news.pk])),
        ("get", reverse("portal:briefing-manage")),
        ("get", reverse("portal:briefing-generate")),
        ("post", reverse("portal:briefing-generate")),
        ("get", reverse("portal:briefing-edit", args=[briefing.pk])),
        ("post", reverse("portal:briefing-refresh", args=[briefing.pk])),
        ("post", reverse("portal:briefing-publish", args=[briefing.pk])),
    ]


def test_anonymous_is_sent_to_log_in(client, news, briefing):
    for method, url in staff_urls(news, briefing):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("persona", ["donge_unit", "guanxian_bureau", "expert", "panel_member"])
def test_others_get_403_and_nothing_changes(request, login, news, briefing, persona):
    client = login(request.getfixturevalue(persona))
    for method, url in staff_urls(news, briefing):
        assert getattr(client, method)(url, NEWS).status_code == 403, (persona, url)
    assert NewsItem.objects.count() == 1 and not NewsItem.objects.published().exists()
    assert Briefing.objects.count() == 1 and not Briefing.objects.published().exists()


def test_unit_cannot_create_news_in_the_service_either(donge_unit):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_news(acting_user=donge_unit, **NEWS)


@pytest.mark.parametrize("persona", ["city_admin", "task_force"])
def test_city_staff_write_and_publish_news(request, login, client, persona):
    staff = login(request.getfixturevalue(persona))
    assert staff.get(reverse("portal:news-manage")).status_code == 200
    response = staff.post(reverse("portal:news-create"), NEWS)
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.status == NewsItem.Status.DRAFT
    assert staff.get(reverse("portal:news-detail", args=[item.pk])).status_code == 200  # preview
    staff.logout()
    assert client.get(reverse("portal:news-detail", args=[item.pk])).status_code == 404
    staff = login(request.getfixturevalue(persona))
    staff.post(reverse("portal:news-publish", args=[item.pk]))
    staff.logout()
    assert NEWS["title"] in client.get(reverse("portal:news-list")).content.decode()
    assert client.get(reverse("portal:news-detail", args=[item.pk])).status_code == 200
    staff = login(request.getfixturevalue(persona))
    staff.post(reverse("portal:news-unpublish", args=[item.pk]))
    staff.logout()
    assert NEWS["title"] not in client.get(reverse("portal:news-list")).content.decode()


def test_a_press_conference_needs_venue_and_speakers(login, city_admin, client):
    staff = login(city_admin)
    data = {**NEWS, "kind": "press_conference", "title": "新闻发布会"}
    response = staff.post(reverse("portal:news-create"), data)
    assert response.status_code == 200  # the form again, with the refusal
    assert response.context["form"].non_field_errors()
    data.update(venue="市政府新闻发布厅", speakers="市卫生健康委新闻发言人")
    assert staff.post(reverse("portal:news-create"), data).status_code == 302
    item = NewsItem.objects.get()
    services.publish_news(item, acting_user=city_admin)
    staff.logout()
    page = client.get(reverse("portal:news-detail", args=[item.pk])).content.decode()
    assert "市政府新闻发布厅" in page and "市卫生健康委新闻发言人" in page


def test_edit_a_published_news_item(login, city_admin, news, client):
    services.publish_news(news, acting_user=city_admin)
    client.get(reverse("portal:news-detail", args=[news.pk]))  # cached
    staff = login(city_admin)
    response = staff.post(reverse("portal:news-edit", args=[news.pk]), {**NEWS, "title": "新标题"})
    assert response.status_code == 302
    staff.logout()
    assert "新标题" in client.get(reverse("portal:news-detail", args=[news.pk])).content.decode()


def test_generate_edit_and_publish_a_briefing(login, city_admin, client):
    staff = login(city_admin)
    assert staff.get(reverse("portal:briefing-generate")).status_code == 200
    today = timezone.localdate()
    response = staff.post(
        reverse("portal:briefing-generate"),
        {"period_start": today - datetime.timedelta(days=14), "period_end": today},
    )
    briefing = Briefing.objects.get()
    assert response["Location"] == reverse("portal:briefing-edit", args=[briefing.pk])
    response = staff.post(
        reverse("portal:briefing-edit", args=[briefing.pk]),
        {"title": "第一期工作简报", "body": "本期进展顺利。", "highlights": ""},
    )
    assert response.status_code == 302
    pdf = reverse("portal:briefing-pdf", args=[briefing.pk])
    assert staff.get(pdf)["Content-Type"] == "application/pdf"  # the staff's preview
    staff.logout()
    assert client.get(reverse("portal:briefing-detail", args=[briefing.pk])).status_code == 404
    assert client.get(pdf).status_code == 404
    staff = login(city_admin)
    assert staff.post(reverse("portal:briefing-publish", args=[briefing.pk])).status_code == 302
    staff.logout()
    page = client.get(reverse("portal:briefing-detail", args=[briefing.pk])).content.decode()
    assert "第一期工作简报" in page and "本期进展顺利。" in page
    assert client.get(pdf)["Content-Type"] == "application/pdf"
    assert "第一期工作简报" in client.get(reverse("portal:briefing-list")).content.decode()


def test_a_published_briefing_page_cannot_be_edited(login, city_admin, briefing):
    services.publish_briefing(briefing, acting_user=city_admin)
    staff = login(city_admin)
    url = reverse("portal:briefing-edit", args=[briefing.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(url, {"title": "改", "body": "改"})
    assert response.status_code == 200
    briefing.refresh_from_db()
    assert briefing.title != "改"


def test_the_menu_shows_the_pages_to_city_staff_only(city_admin, task_force, donge_unit):
    def entries(user):
        return {e["url_name"] for s in menu_for(user)["stages"] for e in s["entries"]}

    for user in (city_admin, task_force):
        assert {"portal:news-manage", "portal:briefing-manage"} <= entries(user)
    assert not {"portal:news-manage", "portal:briefing-manage"} & entries(donge_unit)
