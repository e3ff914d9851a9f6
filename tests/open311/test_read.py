"""GeoReport v2's reading side: services, service definitions, service requests, tokens and
discovery, in JSON and XML, with the spec's names, errors and limits."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from pydantic import TypeAdapter

from jiebang.needs.models import Category
from jiebang.supervision import services
from jiebang.supervision.open311 import queries
from jiebang.supervision.open311.schemas import (
    Discovery,
    Error,
    RequestToken,
    Service,
    ServiceDefinition,
    ServiceRequest,
)

from .conftest import BASE

SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
REQUEST = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def get_json(api, path, expect=200, **params):
    response = api.get(f"{BASE}/{path}", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def get_xml(api, path, expect=200, **params):
    response = api.get(f"{BASE}/{path}", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def children(element) -> list[str]:
    return [child.tag for child in element]


def assert_errors(body, status):
    """The spec's error format, JSON: a list of {code, description}."""
    errors = TypeAdapter(list[Error]).validate_python(body)
    assert errors and all(e.code == status and e.description for e in errors)
    assert all(set(row) == {"code", "description"} for row in body)


def assert_xml_errors(root, status):
    assert root.tag == "errors" and children(root) and set(children(root)) == {"error"}
    for error in root:
        assert children(error) == ["code", "description"]
        assert error.findtext("code") == str(status) and error.findtext("description")


def ids(rows) -> list[str]:
    return [row["service_request_id"] for row in rows]


# -- Services ----------------------------------------------------------------------------------


def test_services_are_the_active_categories_in_json_and_xml(api, categories):
    Category.objects.filter(code="queue").update(is_active=False)
    rows = get_json(api, "services.json")
    TypeAdapter(list[Service]).validate_python(rows)
    active = Category.objects.filter(is_active=True).order_by("order", "name")
    expected = list(active.values_list("code", "name"))
    assert [(r["service_code"], r["service_name"]) for r in rows] == expected
    assert all(set(row) == SERVICE for row in rows)
    assert {(r["metadata"], r["type"]) for r in rows} == {(True, "realtime")}
    assert all(r["group"] and r["description"] for r in rows)

    root = get_xml(api, "services.xml")
    assert root.tag == "services" and set(children(root)) == {"service"}
    first = root[0]
    assert set(children(first)) == SERVICE
    assert first.findtext("service_code") == expected[0][0]
    assert first.findtext("metadata") == "true" and first.findtext("type") == "realtime"


def test_service_definition_offers_a_rating_and_the_institution(api, categories):
    body = get_json(api, "services/queue.json")
    definition = ServiceDefinition.model_validate(body)
    assert set(body) == {"service_code", "attributes"} and definition.service_code == "queue"
    rating, institution = body["attributes"]
    assert all(set(a) == ATTRIBUTE for a in body["attributes"])
    assert (rating["code"], rating["datatype"], rating["required"]) == (
        "rating",
        "singlevaluelist",
        False,
    )
    assert [v["key"] for v in rating["values"]] == ["1", "2", "3", "4", "5"]
    assert (institution["code"], institution["datatype"], institution["required"]) == (
        "institution",
        "string",
        False,
    )

    root = get_xml(api, "services/queue.xml")
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attributes = root.find("attributes")
    assert children(attributes) == ["attribute", "attribute"]
    first = attributes[0]
    assert set(children(first)) == ATTRIBUTE
    assert first.findtext("variable") == "true" and first.findtext("required") == "false"
    values = first.find("values")
    assert children(values) == ["value"] * 5
    assert children(values[0]) == ["key", "name"] and values[0].findtext("key") == "1"


def test_an_unknown_or_inactive_service_is_404_in_the_spec_format(api, categories):
    assert_errors(get_json(api, "services/nothing.json", 404), 404)
    assert_xml_errors(get_xml(api, "services/nothing.xml", 404), 404)
    Category.objects.filter(code="queue").update(is_active=False)
    assert_errors(get_json(api, "services/queue.json", 404), 404)


def test_other_formats_and_addresses_are_404_in_the_spec_format(api, categories):
    assert_errors(get_json(api, "services.csv", 404), 404)
    assert_errors(get_json(api, "nothing/here", 404), 404)
    assert_errors(get_json(api, "", 404), 404)
    assert_xml_errors(get_xml(api, "requests/x/y.xml", 404), 404)
    posted = api.post(f"{BASE}/nothing.json")
    assert posted.status_code == 404
    assert_errors(posted.json(), 404)


def test_discovery_names_the_spec_and_both_formats(api, db):
    body = get_json(api, "discovery.json")
    Discovery.model_validate(body)
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert OFFSET.match(body["changeset"])
    root = get_xml(api, "discovery.xml")
    assert root.tag == "discovery"
    assert children(root.find("endpoints")) == ["endpoint"]
    assert children(root.find("endpoints/endpoint/formats")) == ["format", "format"]


# -- Service requests --------------------------------------------------------------------------


def test_a_request_has_the_spec_fields_and_times_with_the_offset(api, make_ticket):
    ticket = make_ticket()
    [row] = get_json(api, "requests.json")
    ServiceRequest.model_validate(row)
    assert set(row) == REQUEST
    assert row["service_request_id"] == ticket.number
    assert row["status"] == "open" and row["status_notes"] is None
    assert (row["service_code"], row["service_name"]) == (
        ticket.item.category.code,
        ticket.item.category.name,
    )
    assert row["agency_responsible"] == row["address"] == "东阿县人民医院"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert OFFSET.match(row[name]), row[name]
    assert row["expected_datetime"] == f"{ticket.deadline:%Y-%m-%d}T23:59:59+08:00"
    requested = datetime.datetime.fromisoformat(row["requested_datetime"])
    assert abs(requested - ticket.received_at) < datetime.timedelta(seconds=1)
    assert row["lat"] is None and row["long"] is None

    root = get_xml(api, "requests.xml")
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert set(children(root[0])) == REQUEST
    assert root[0].findtext("service_request_id") == ticket.number
    assert OFFSET.match(root[0].findtext("requested_datetime"))
    assert root[0].find("lat").text is None  # an empty element: <lat />


def test_the_description_is_masked_and_the_citizen_never_named(api, make_ticket):
    make_ticket(
        "医生态度差，我的电话13812345678，邮箱 zhang@example.com，请回电。",
        name="张三丰",
        phone="13912345678",
    )
    response = api.get(f"{BASE}/requests.json")
    text = response.content.decode()
    assert "＊＊＊" in text
    for secret in ("13812345678", "zhang@example.com", "13912345678", "张三丰"):
        assert secret not in text
    xml_text = api.get(f"{BASE}/requests.xml").content.decode()
    assert "13812345678" not in xml_text and "张三丰" not in xml_text


def test_a_closed_request_shows_its_accepted_reply(api, make_ticket, donge_unit, task_force):
    ticket = make_ticket()
    services.answer(ticket, acting_user=donge_unit, reply="已增开两个缴费窗口，电话0635-1234567。")
    [row] = get_json(api, f"requests/{ticket.number}.json")
    assert row["status"] == "open" and row["status_notes"] is None  # not checked yet
    services.accept(ticket, acting_user=task_force)
    [row] = get_json(api, f"requests/{ticket.number}.json")
    assert row["status"] == "closed"
    assert row["status_notes"] == "已增开两个缴费窗口，电话＊＊＊。"
    assert row["expected_datetime"] is None


def test_dismissed_tickets_and_bare_ratings_never_appear(api, make_ticket, task_force):
    kept = make_ticket()
    dismissed = make_ticket()
    services.dismiss(dismissed, acting_user=task_force, reason="广告")
    rating = services.submit_public(source=kept.source, rating=4, institution=kept.unit)
    assert ids(get_json(api, "requests.json")) == [kept.number]
    for ticket in (dismissed, rating):
        assert_errors(get_json(api, f"requests/{ticket.number}.json", 404), 404)
        assert_errors(get_json(api, f"tokens/{ticket.token}.json", 404), 404)
    both = f"{dismissed.number},{rating.number}"
    assert get_json(api, "requests.json", service_request_id=both) == []


def test_one_request_and_a_token(api, make_ticket):
    ticket = make_ticket()
    rows = get_json(api, f"requests/{ticket.number}.json")
    assert ids(rows) == [ticket.number]
    root = get_xml(api, f"requests/{ticket.number}.xml")
    assert root.tag == "service_requests" and children(root) == ["request"]

    body = get_json(api, f"tokens/{ticket.token}.json")
    TypeAdapter(list[RequestToken]).validate_python(body)
    assert body == [{"service_request_id": ticket.number, "token": ticket.token}]
    root = get_xml(api, f"tokens/{ticket.token}.xml")
    assert children(root[0]) == ["service_request_id", "token"]

    assert_errors(get_json(api, "requests/260101-AAAAAA.json", 404), 404)
    assert_xml_errors(get_xml(api, "requests/260101-AAAAAA.xml", 404), 404)
    assert_errors(get_json(api, "tokens/nothing.json", 404), 404)


def test_filters_by_status_code_and_ids(api, make_ticket, donge_unit, task_force):
    open_ticket = make_ticket()
    closed = make_ticket("输液室座位太少，老人只能站着输液，希望增加座椅。")
    services.answer(closed, acting_user=donge_unit, reply="已增加二十把座椅。")
    services.accept(closed, acting_user=task_force)
    old = make_ticket(days_ago=200)

    assert set(ids(get_json(api, "requests.json"))) == {open_ticket.number, closed.number}
    assert ids(get_json(api, "requests.json", status="open")) == [open_ticket.number]
    assert ids(get_json(api, "requests.json", status="closed")) == [closed.number]
    assert len(get_json(api, "requests.json", status="open,closed")) == 2
    code = open_ticket.item.category.code
    assert open_ticket.number in ids(get_json(api, "requests.json", service_code=code))
    assert get_json(api, "requests.json", service_code="nothing") == []
    # service_request_id overrides every other filter, the window included.
    wanted = f"{old.number},{open_ticket.number}"
    found = get_json(api, "requests.json", service_request_id=wanted, status="closed")
    assert set(ids(found)) == {old.number, open_ticket.number}


def test_the_default_window_is_the_last_90_days(api, make_ticket):
    recent = make_ticket(days_ago=89)
    old = make_ticket(days_ago=150)
    assert ids(get_json(api, "requests.json")) == [recent.number]
    # From start_date: the 90 days after it; up to end_date: the 90 days before it.
    start = (timezone.now() - datetime.timedelta(days=200)).isoformat()
    assert ids(get_json(api, "requests.json", start_date=start)) == [old.number]
    end = timezone.localtime() - datetime.timedelta(days=100)
    naive = end.strftime("%Y-%m-%dT%H:%M:%S")  # the city's time
    assert ids(get_json(api, "requests.json", end_date=naive)) == [old.number]
    end = timezone.localtime() - datetime.timedelta(days=89, hours=12)
    both = {"start_date": (end - datetime.timedelta(days=90)).isoformat(), "end_date": end}
    assert ids(get_json(api, "requests.json", **both)) == [old.number]
    # A "+" sent unencoded arrives as a space: the offset is still read.
    unencoded = f"{end - datetime.timedelta(days=10):%Y-%m-%dT%H:%M:%S} 08:00"
    assert ids(get_json(api, "requests.json", end_date=unencoded)) == [old.number]


def test_windows_longer_than_90_days_and_bad_filters_are_400(api, make_ticket):
    now = timezone.now()
    too_long = {
        "start_date": (now - datetime.timedelta(days=91)).isoformat(),
        "end_date": now.isoformat(),
    }
    assert_errors(get_json(api, "requests.json", 400, **too_long), 400)
    assert_xml_errors(get_xml(api, "requests.xml", 400, **too_long), 400)
    yesterday = now - datetime.timedelta(days=1)
    backwards = {"start_date": now.isoformat(), "end_date": yesterday.isoformat()}
    assert_errors(get_json(api, "requests.json", 400, **backwards), 400)
    for params in (
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01T00:00:00Z"},
        {"start_date": "1900-01-01T00:00:00Z"},
        {"status": "pending"},
        {"status": "open,"},
    ):
        body = get_json(api, "requests.json", 400, **params)
        assert_errors(body, 400)
        assert next(iter(params)) in body[0]["description"]


def test_at_most_the_newest_rows_are_given(api, make_ticket, monkeypatch):
    monkeypatch.setattr(queries, "MAX_ROWS", 3)
    made = [make_ticket(days_ago=days) for days in (4, 3, 2, 1)]
    assert ids(get_json(api, "requests.json")) == [t.number for t in reversed(made[1:])]


def test_the_spec_limits_are_90_days_and_1000_rows():
    assert (queries.WINDOW.days, queries.MAX_ROWS) == (90, 1000)


def test_the_list_takes_a_fixed_number_of_queries(api, make_ticket, django_assert_max_num_queries):
    for _n in range(5):
        make_ticket()
    with django_assert_max_num_queries(3):
        assert len(get_json(api, "requests.json")) == 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_log_in_is_needed(client, categories, fmt):
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    assert client.get(f"{BASE}/docs").status_code == 200
    assert client.get(f"{BASE}/openapi.json").status_code == 200
