"""The OpenAPI schema of /open311/v2/ holds what the API does: schemathesis generates requests
from it for every operation (POST with a partner's key) and checks each answer — no server
error, a documented status, a documented content type, a JSON body matching its schema."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from jiebang.supervision.open311.api import api

from .conftest import BASE


class TestWSGI:
    """Django's WSGI application run as the test client runs it: the end of a request does
    not close the database connection, whose transaction holds the test's data."""

    __test__ = False

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


# Read from the API object, not over HTTP: loaded when the module is (schemathesis's lazy
# fixture loader does not run under pytest 9). Only valid input is generated: the shapes of
# invalid input are the other tests'.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = TestWSGI()
schema.config.generation.update(modes=[GenerationMode.POSITIVE])


@pytest.fixture
def a_ticket(make_ticket):
    """Something to find (made once per operation, not per generated example)."""
    return make_ticket()


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_does_what_its_schema_says(case, issued, a_ticket):
    if case.method == "POST" and isinstance(case.body, dict):
        case.body["api_key"] = issued.raw
    # Valid-looking input may still be refused, by rules a schema cannot state: a window over
    # 90 days, an unknown service code or institution, a missing location (400).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_the_schema_documents_both_formats(api, db):
    document = api.get(f"{BASE}/openapi.json").json()
    assert document["info"]["title"] == "Open311 GeoReport v2"
    paths = document["paths"]
    assert set(paths) == {
        f"{BASE}/{path}.{{format}}"
        for path in (
            "discovery",
            "services",
            "services/{service_code}",
            "requests",
            "requests/{service_request_id}",
            "tokens/{token}",
        )
    }
    requests = paths[f"{BASE}/requests.{{format}}"]
    body = requests["post"]["requestBody"]["content"]
    assert set(body) == {"application/x-www-form-urlencoded", "application/json"}
    assert {"api_key", "service_code", "attribute[rating]"} <= set(
        body["application/x-www-form-urlencoded"]["schema"]["properties"]
    )
    ok = requests["get"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/xml"}
    assert ok["text/xml"]["schema"]["xml"] == {"name": "service_requests", "wrapped": True}
    assert document["components"]["schemas"]["ServiceRequest"]["xml"] == {"name": "request"}
    assert set(requests["post"]["responses"]) == {"200", "400", "403", "429"}
