import pytest
from django.test import Client

from jiebang.orgs import demo
from jiebang.orgs.models import Institution, User


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Background jobs run inside the call that enqueues them (a test asks for a worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache of its own: no rate-limit count or cached portal
    page carries over from another test (or from a demo server's var/cache)."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo city's organisation tree and users, loaded once for the database tests."""
    from django.conf import settings

    with django_db_blocker.unblock():
        hashers = settings.PASSWORD_HASHERS
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        try:
            demo.load()
        finally:
            settings.PASSWORD_HASHERS = hashers


def _user(username):
    return User.objects.get(username=username)


@pytest.fixture
def city_admin(db):
    return _user("city_admin")


@pytest.fixture
def task_force(db):
    return _user("taskforce")


@pytest.fixture
def guanxian_bureau(db):
    return _user("county_guanxian")


@pytest.fixture
def shenxian_bureau(db):
    return _user("county_shenxian")


@pytest.fixture
def donge_unit(db):
    return _user("unit_donge")


@pytest.fixture
def expert(db):
    return _user("expert_demo")


@pytest.fixture
def panel_member(db):
    return _user("panel_demo")


@pytest.fixture
def shenxian_institution(db):
    return Institution.objects.get(name="莘县人民医院")


@pytest.fixture
def guanxian_institution(db):
    return Institution.objects.get(name="冠县人民医院")


@pytest.fixture
def login(client, db):
    """Log a persona into the test client. It asks for `db` so that a test which takes its
    persona with request.getfixturevalue() still runs before the browser tests, whose
    transactional flush empties the organisation tree (pytest-django orders by fixtures)."""

    def _login(user) -> Client:
        client.force_login(user)
        return client

    return _login


def pending(user, kind: str):
    """The records of one kind of pending work waiting for `user` (workbench registry)."""
    from jiebang.workbench.registry import KINDS

    return KINDS[kind].pending(user)


def waiting(user, prefix: str = "") -> int:
    """How many things of the kinds whose key starts with `prefix` wait for `user` (the badge
    counts them all)."""
    from jiebang.workbench.queue import counts

    return sum(c.total for c in counts(user) if c.kind.key.startswith(prefix))
