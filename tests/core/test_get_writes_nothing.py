"""Reading never writes (issue 10): a GET of every page — those without an argument and the
six stages, on a new installation (the organisation tree only: nothing set up yet, e.g. no
scoring weights) and on the first-round demo, and every page of an object on the demo with an
object the city admin sees — runs no INSERT, UPDATE or DELETE. Writes happen in services,
from POSTs.

Left out: the session (saved on every request: the idle timeout), django-axes' log and a
log-in's last_login — bookkeeping of the request, not of the domain."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiebang.core.navigation import STAGES_BY_SLUG
from jiebang.orgs.models import User

from .test_scope_matrix import MATRIX
from .urlwalk import names_without_arguments

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
BOOKKEEPING = ("django_session", "axes_")

# A GET that starts work by design, through its service: asking for the Excel ledger of more
# than excel.EXPORT_INLINE_ROWS tasks queues its export job (a reload reuses it) and goes to
# the job's page. Only the export's record and the job may be written.
STARTS_A_JOB = {"ledger:export": ("ledger_taskexport", "django_tasks")}


def writes(queries, allowed=()) -> list[str]:
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if not match:
            continue
        table = match.group(2).lower()
        if table.startswith(BOOKKEEPING + tuple(allowed)):
            continue
        if table == User._meta.db_table and "last_login" in query["sql"]:
            continue
        found.append(query["sql"][:200])
    return found


def test_writes_finds_writes_and_leaves_bookkeeping_out():
    queries = [
        {"sql": 'INSERT INTO "needs_scoringweights" ("feasibility") VALUES (0.4)'},
        {"sql": 'UPDATE "django_session" SET "expire_date" = 1'},
        {"sql": 'UPDATE "orgs_user" SET "last_login" = 1 WHERE "id" = 1'},
        {"sql": 'SELECT "x" FROM "needs_scoringweights"'},
        {"sql": 'DELETE FROM "ledger_task" WHERE "id" = 1'},
    ]
    assert [q[:20] for q in writes(queries)] == ['INSERT INTO "needs_s', 'DELETE FROM "ledger_']


def _get(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    assert status < 500, url
    return queries.captured_queries


def _argless_writes(client, username) -> dict:
    client.force_login(User.objects.get(username=username))
    urls = [(name, reverse(name)) for name in names_without_arguments() if name != "logout"]
    urls += [(f"stage {slug}", reverse("core:stage", args=[slug])) for slug in STAGES_BY_SLUG]
    found = {}
    for name, url in urls:
        if found_here := writes(_get(client, url), STARTS_A_JOB.get(name, ())):
            found[name] = found_here
    return found


# First in the module: `world` (module-scoped, tests/core/conftest.py) is not loaded yet.
@pytest.mark.parametrize("username", ["city_admin", "county_guanxian"])
def test_a_new_installation_writes_nothing_on_get(client, db, username):
    assert _argless_writes(client, username) == {}


@pytest.mark.parametrize("username", ["city_admin", "unit_donge"])
def test_pages_without_arguments_write_nothing(world, client, db, username):
    assert _argless_writes(client, username) == {}


def test_pages_of_objects_write_nothing(world, client, db):
    """Every page with an id (POST-only ones answer 405), with the city admin's first object."""
    user = User.objects.get(username="city_admin")
    client.force_login(user)
    found, opened = {}, 0
    for name, case in sorted(MATRIX.items()):
        scope = case.scope(case.model, user)
        obj = case.candidates().filter(pk__in=scope.values("pk")).order_by("pk").first()
        if obj is None:
            continue
        opened += 1
        if found_here := writes(_get(client, reverse(name, kwargs=case.url_kwargs(obj)))):
            found[name] = found_here
    assert opened > len(MATRIX) * 0.8  # the demo has objects for nearly every page
    assert found == {}
