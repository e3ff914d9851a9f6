"""The public pages' cache: an anonymous GET is answered from it without a query, a change to
what a page shows is on the next request, signed-in users and flash messages bypass it, and a
cached page's language switch still posts (each visitor gets their own CSRF token)."""

import re
import time
from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiebang.ledger import services as ledger
from jiebang.portal import cache
from jiebang.projects.models import Project
from tests.factories import MeasurementFactory, TaskFactory
from tests.factories.orgs import task_force

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _url(project):
    return reverse("portal:project-detail", args=[project.pk])


def test_a_cached_page_costs_no_query(live_project, client, django_assert_num_queries):
    url = _url(live_project)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content.replace(b" ", b"")[:500] == first.content.replace(b" ", b"")[:500]


def test_the_cached_project_page_takes_a_few_milliseconds(live_project, client):
    url = _url(live_project)
    client.get(url)
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        assert client.get(url).status_code == 200
    per_page = (time.perf_counter() - started) / runs
    # Measured ≈1–2 ms on the 2-core machine (the whole request through the middleware);
    # a generous bound so a busy machine does not fail it.
    assert per_page < 0.05, per_page


def test_editing_a_project_shows_on_the_next_request(live_project, client):
    url = _url(live_project)
    assert "门诊一站式服务改革" in client.get(url).content.decode()
    live_project.title = "门诊一站式服务改革（更名）"
    live_project.save(update_fields=["title"])
    assert "门诊一站式服务改革（更名）" in client.get(url).content.decode()


def test_a_confirmed_figure_shows_on_the_next_request(live_project, client):
    url = _url(live_project)
    indicator = live_project.indicators.get()
    figure = MeasurementFactory(indicator=indicator, value=Decimal("4.75"))
    assert "4.75" not in client.get(url).content.decode()
    ledger.confirm_measurement(figure, acting_user=task_force())
    assert "4.75" in client.get(url).content.decode()


def test_a_public_update_and_a_completed_project_show_at_once(live_project, client):
    url = _url(live_project)
    task = TaskFactory(project=live_project, done=True)
    update = task.updates.create(
        status="done", percent=100, text="全部完成并通过验收", review="confirmed"
    )
    list_url = reverse("portal:project-list")
    assert "全部完成并通过验收" not in client.get(url).content.decode()
    client.get(list_url)
    ledger.set_update_public(update, acting_user=task_force(), public=True)
    ledger.complete_project(live_project, acting_user=task_force())
    page = client.get(url).content.decode()
    assert "全部完成并通过验收" in page
    with translation.override("zh-hans"):
        completed = str(Project.Status.COMPLETED.label)
    assert re.search(rf'id="project-status">{completed}<', page)
    assert live_project.title in client.get(list_url, {"status": "completed"}).content.decode()


def test_languages_are_cached_apart(live_project, client):
    url = _url(live_project)
    chinese = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert '<html lang="en">' in english


def test_signed_in_users_are_neither_served_nor_stored(live_project, client, login, city_admin):
    url = _url(live_project)
    staff = login(city_admin)
    staff.get(url)
    assert not any(k.startswith("portal:page") for k in _keys())
    anonymous = Client()
    anonymous.get(url)
    assert any(k.startswith("portal:page") for k in _keys())


def _keys():
    from django.core.cache import cache as django_cache

    return [k.split(":", 2)[-1] for k in django_cache._cache]  # LocMemCache's own keys


def test_a_cached_page_switches_language_without_a_token(live_project):
    url = _url(live_project)
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url).content.decode()  # from the cache
    assert "csrfmiddlewaretoken" not in page
    response = visitor.post(reverse("public-language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert "Reform in progress" in visitor.get(url).content.decode()


def test_a_waiting_message_bypasses_the_cache(live_project, client, rf):
    url = _url(live_project)
    client.get(url)
    storage = CookieStorage(rf.get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "您的意见已提交。")])
    response = client.get(url)
    assert "您的意见已提交。" in response.content.decode()
    assert "您的意见已提交。" not in client.get(url).content.decode()  # shown once


def test_the_version_survives_eviction():
    """If the version key is evicted, the new one is above every number used before."""
    from django.core.cache import cache as django_cache

    before = cache.version()
    django_cache.delete(cache.VERSION_KEY)
    cache._local["version"] = None  # this process's memo of it (a second at most)
    assert cache.version() > before
