"""The city admin's key pages: the list, a new key shown once, revoking; nobody else may."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiebang.supervision.models import ApiKey, digest
from jiebang.supervision.open311 import keys

from .conftest import BASE

LIST = reverse("supervision:apikey-list")
CREATE = reverse("supervision:apikey-create")


def revoke_url(key):
    return reverse("supervision:apikey-revoke", args=[key.pk])


def test_the_admin_makes_a_key_shown_once(login, city_admin):
    client = login(city_admin)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, {"name": "健康聊城小程序"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get(name="健康聊城小程序")
    raw = response.context["issued"].raw
    assert len(raw) >= 43 and raw in response.content.decode()
    assert key.key_digest == digest(raw) and key.prefix == raw[:8]
    assert key.created_by == city_admin and key.history.count() == 1
    listing = client.get(LIST)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert key.name in page and key.prefix in page and raw not in page
    assert raw not in str(ApiKey.objects.values_list().get(pk=key.pk))


def test_a_taken_or_empty_name_shows_the_form_again(login, city_admin, issued):
    client = login(city_admin)
    for name in (issued.key.name, "   "):
        response = client.post(CREATE, {"name": name})
        assert response.status_code == 200 and response.context["form"].errors
    assert ApiKey.objects.count() == 1


def test_a_revoked_key_is_refused(login, city_admin, issued, post):
    assert post(description="候诊区空调坏了好几天，太热了。").status_code == 200
    client = login(city_admin)
    response = client.post(revoke_url(issued.key))
    assert response.status_code == 302 and response["Location"] == LIST
    key = ApiKey.objects.get(pk=issued.key.pk)
    assert key.revoked_at is not None and not key.is_active
    assert post(description="挂号处的自助机总是坏的。").status_code == 403
    again = client.post(revoke_url(key), follow=True)  # revoked already: told so
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"
    assert revoke_url(key) not in client.get(LIST).content.decode()  # no button any more


def test_revoking_answers_only_post(login, city_admin, issued):
    assert login(city_admin).get(revoke_url(issued.key)).status_code == 405


@pytest.mark.parametrize("persona", ["task_force", "guanxian_bureau", "donge_unit"])
def test_nobody_but_the_city_admin(request, login, issued, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"name": "偷偷的钥匙"}).status_code == 403
    assert client.post(revoke_url(issued.key)).status_code == 403
    assert ApiKey.objects.get().is_active and ApiKey.objects.count() == 1


def test_the_services_check_the_permission_too(donge_unit, issued):
    with pytest.raises(PermissionDenied):
        keys.create_key(name="x", acting_user=donge_unit)
    with pytest.raises(PermissionDenied):
        keys.revoke_key(issued.key, acting_user=donge_unit)


def test_a_stranger_is_sent_to_log_in(client, issued):
    for response in (client.get(LIST), client.post(revoke_url(issued.key))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_links_the_key_list(login, city_admin, issued):
    page = login(city_admin).get(LIST).content.decode()
    assert f'href="{LIST}"' in page and issued.key.prefix in page


def test_the_api_never_sees_the_key_pages(api, issued):
    assert api.get(f"{BASE}/keys/").status_code == 404


def test_the_list_costs_the_same_for_more_keys(login, city_admin, issued):
    client = login(city_admin)
    client.get(LIST)  # warm the per-user caches of the menu

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    one = queries()
    for n in range(4):
        keys.create_key(name=f"合作平台{n}", acting_user=city_admin)
    keys.revoke_key(ApiKey.objects.get(name="合作平台0"), acting_user=city_admin)
    assert queries() == one
