"""Whoever may confirm a progress update shows it on the portal (or takes it off) with one
button on the task page; only a confirmed update can be public."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.ledger import services as ledger
from tests.factories import ProgressUpdateFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(live_project):
    return TaskFactory(project=live_project, title="试点科室先行运行")


def _publicise(client, update, public=True):
    data = {"public": "on"} if public else {}
    return client.post(reverse("ledger:update-publicise", args=[update.pk]), data)


def test_the_task_force_shows_a_confirmed_update(login, task_force, task, client):
    update = ProgressUpdateFactory(task=task, text="试点运行平稳", confirmed=True)
    staff = login(task_force)
    page = staff.get(task.get_absolute_url()).content.decode()
    assert reverse("ledger:update-publicise", args=[update.pk]) in page
    response = _publicise(staff, update)
    assert response["Location"] == task.get_absolute_url()
    update.refresh_from_db()
    assert update.is_public
    staff.logout()
    portal = reverse("portal:project-detail", args=[task.project_id])
    assert "试点运行平稳" in client.get(portal).content.decode()
    staff = login(task_force)
    _publicise(staff, update, public=False)
    update.refresh_from_db()
    assert not update.is_public
    staff.logout()
    assert "试点运行平稳" not in client.get(portal).content.decode()


def test_the_county_bureau_of_the_unit_may_too(login, guanxian_bureau, task):
    update = ProgressUpdateFactory(task=task, confirmed=True)
    _publicise(login(guanxian_bureau), update)
    update.refresh_from_db()
    assert update.is_public


def test_an_unconfirmed_update_stays_off_the_portal(login, task_force, task):
    for update in (
        ProgressUpdateFactory(task=task),
        ProgressUpdateFactory(task=task, returned="材料不全"),
    ):
        response = _publicise(login(task_force), update)
        assert response.status_code == 302  # back, with the refusal flashed
        update.refresh_from_db()
        assert not update.is_public
        with pytest.raises(DomainError):
            ledger.set_update_public(update, acting_user=task_force, public=True)


def test_the_unit_and_other_counties_may_not(login, task, shenxian_bureau, city_admin):
    update = ProgressUpdateFactory(task=task, confirmed=True)
    unit_user = update.created_by
    assert _publicise(login(unit_user), update).status_code == 403
    assert _publicise(login(shenxian_bureau), update).status_code in (403, 404)
    assert _publicise(login(city_admin), update).status_code == 403  # confirms nothing
    update.refresh_from_db()
    assert not update.is_public
    with pytest.raises(PermissionDenied):
        ledger.set_update_public(update, acting_user=unit_user, public=True)


def test_get_is_not_allowed(login, task_force, task):
    update = ProgressUpdateFactory(task=task, confirmed=True)
    url = reverse("ledger:update-publicise", args=[update.pk])
    assert login(task_force).get(url).status_code == 405
