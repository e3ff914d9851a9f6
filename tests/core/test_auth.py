"""Login is required everywhere but the public pages; repeated failures lock the account."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from jiebang.orgs.demo import DEMO_PASSWORD


@pytest.mark.parametrize("url", ["/orgs/institutions/", "/audit/", "/stages/needs/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_anonymous_visitor_to_the_home_page_lands_on_the_public_portal(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_login_page_is_public_and_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "用户名" in response.text and "登录" in response.text


def test_login_with_demo_password(client, db, settings):
    response = client.post(
        "/accounts/login/", {"username": "county_guanxian", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "county_guanxian"


def test_lockout_after_repeated_failures(client, db, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "unit_donge", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "unit_donge", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 429
    assert "账号已锁定" in response.text
    assert "_auth_user_id" not in client.session


def test_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("weak", ["short1A!", "alllowercaseletters", "12345678901234"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_demo_password_is_strong_enough():
    validate_password(DEMO_PASSWORD)


def test_login_leaves_no_audit_noise(client, db):
    from jiebang.orgs.models import User

    user = User.objects.get(username="taskforce")
    before = user.history.count()
    client.post("/accounts/login/", {"username": "taskforce", "password": DEMO_PASSWORD})
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before
