"""POST requests.{format}: a partner system's request becomes a public ticket and a stage-1
feedback item; the key is checked (403), the fields too (400, every problem listed)."""

import json
import xml.etree.ElementTree as ET

import pytest
from pydantic import TypeAdapter

from jiebang.needs.models import Channel
from jiebang.supervision.models import ApiKey, Ticket
from jiebang.supervision.open311 import keys
from jiebang.supervision.open311.schemas import PostedRequest

from .conftest import BASE, DONGE
from .test_read import assert_errors, assert_xml_errors

TEXT = "门诊收费处只开了一个窗口，排队交费用了一个小时。"


def test_a_post_creates_a_ticket_with_its_feedback_item(post, issued):
    response = post(
        description=TEXT,
        first_name="三",
        last_name="张",
        phone="13912345678",
        device_id="device-1",
        email="zhang@example.com",
        service_code="environment",  # the sender's code stands over the classifier's
        **{"attribute[rating]": "2", "attribute[institution]": DONGE},
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [row] = TypeAdapter(list[PostedRequest]).validate_python(response.json())
    fields = {"service_request_id", "token", "service_notice", "account_id"}
    assert set(response.json()[0]) == fields
    ticket = Ticket.objects.get(number=row.service_request_id)
    assert row.token == ticket.token and row.account_id is None and row.service_notice
    assert ticket.source == Ticket.Source.OPEN311 and ticket.partner == issued.key
    assert ticket.rating == 2 and ticket.unit.name == DONGE
    assert ticket.status == Ticket.Status.OPEN and ticket.deadline is not None
    item = ticket.item
    assert item.channel == Channel.OPEN311 and item.text == TEXT
    assert item.category.code == "environment" and item.confidence == 1.0
    assert (item.caller_name, item.caller_phone) == ("张三", "13912345678")
    assert ticket.device == "device-1"
    assert ApiKey.objects.get(pk=issued.key.pk).last_used_at is not None


def test_the_answer_in_xml_and_the_request_readable_after(post, api):
    response = post("xml", description=TEXT, lat="36.27", long="116.25")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and [c.tag for c in root] == ["request"]
    request = root[0]
    assert [c.tag for c in request] == [
        "service_request_id",
        "token",
        "service_notice",
        "account_id",
    ]
    number, token = request.findtext("service_request_id"), request.findtext("token")
    [row] = api.get(f"{BASE}/requests/{number}.json").json()
    assert row["service_code"] == "queue" and row["description"] == TEXT
    assert api.get(f"{BASE}/tokens/{token}.json").json()[0]["service_request_id"] == number


def test_a_json_body_with_nested_attributes(api, issued, categories):
    body = {
        "api_key": issued.raw,
        "service_code": "queue",
        "description": TEXT,
        "address_id": "A-17",
        "attribute": {"rating": 5},
    }
    response = api.post(f"{BASE}/requests.json", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    assert Ticket.objects.get(number=response.json()[0]["service_request_id"]).rating == 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_unknown_or_revoked_key_is_403(post, issued, city_admin, fmt):
    refused = [post(fmt, api_key=None, description=TEXT), post(fmt, api_key="x" * 43)]
    keys.revoke_key(issued.key, acting_user=city_admin)
    refused.append(post(fmt, description=TEXT))
    for response in refused:
        assert response.status_code == 403
        if fmt == "json":
            assert_errors(response.json(), 403)
        else:
            assert_xml_errors(ET.fromstring(response.content), 403)
    assert not Ticket.objects.exists()


def test_service_code_description_and_location_are_required(post):
    response = post(service_code=None, address_string=None)
    assert response.status_code == 400
    body = response.json()
    assert_errors(body, 400)
    described = " ".join(e["description"] for e in body)
    assert len(body) == 3
    for name in ("service_code", "description", "lat", "address_string"):
        assert name in described
    for missing in ({"description": None}, {"service_code": None}, {"address_string": None}):
        fields = {"description": TEXT, **missing}
        response = post(**fields)
        assert response.status_code == 400 and len(response.json()) == 1
    assert post(description="   ").status_code == 400  # blank is missing
    lat_only = post(description=TEXT, address_string=None, lat="36.2")
    assert lat_only.status_code == 400
    assert not Ticket.objects.exists()
    assert post(description=TEXT, address_string=None, lat="36.2", long="116.2").status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"service_code": "nothing"},
        {"attribute[institution]": "不存在的医院"},
        {"attribute[rating]": "7"},
        {"attribute[rating]": "good"},
        {"lat": "100", "long": "116"},
        {"description": "很长" * 1001},
    ],
)
def test_bad_values_are_400_naming_them(post, fields):
    response = post(**{"description": TEXT, **fields})
    assert response.status_code == 400
    body = response.json()
    assert_errors(body, 400)
    assert not Ticket.objects.exists()


def test_the_same_words_twice_are_refused_as_a_duplicate(post):
    assert post(description=TEXT).status_code == 200
    again = post(description=TEXT)
    assert again.status_code == 400
    assert_errors(again.json(), 400)
    assert Ticket.objects.count() == 1


def test_a_body_that_is_not_json_is_400(api, issued, categories):
    for body in ("{not json", "[1, 2]"):
        response = api.post(f"{BASE}/requests.json", body, content_type="application/json")
        assert response.status_code == 400
        assert_errors(response.json(), 400)


def test_a_key_posts_its_hourly_allowance_then_429(post, monkeypatch):
    monkeypatch.setattr(keys, "KEY_HOURLY_LIMIT", 2)
    assert post(description=TEXT).status_code == 200
    assert post(description=TEXT + "又一次").status_code == 200
    third = post(description=TEXT + "第三次")
    assert third.status_code == 429
    assert_errors(third.json(), 429)
    assert Ticket.objects.count() == 2


def test_only_get_and_post_are_answered(api, categories):
    assert api.put(f"{BASE}/requests.json").status_code == 405
    assert api.delete(f"{BASE}/services.json").status_code == 405
    assert api.post(f"{BASE}/services.json").status_code == 405
