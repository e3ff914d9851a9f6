import datetime
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from jiebang.needs import services as needs
from jiebang.orgs.models import Institution
from jiebang.supervision import services
from jiebang.supervision.models import Ticket
from jiebang.supervision.open311 import keys

BASE = "/open311/v2"
DONGE = "东阿县人民医院"


@pytest.fixture
def categories(db):
    needs.ensure_categories()


@pytest.fixture
def api(db) -> Client:
    """A partner system's client: no session, CSRF checked as for any browser."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def issued(city_admin):
    return keys.create_key(name="12345 热线平台", acting_user=city_admin)


@pytest.fixture
def post(api, issued, categories):
    """POST requests.{fmt} form-encoded (the spec's way) with the partner's key."""

    def _post(fmt="json", **fields):
        data = {"api_key": issued.raw, "service_code": "queue", "address_string": DONGE}
        data.update(fields)
        data = {name: value for name, value in data.items() if value is not None}
        return api.post(
            f"{BASE}/requests.{fmt}",
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )

    return _post


@pytest.fixture
def make_ticket(categories):
    """A public ticket (through the service) received `days_ago`, at 东阿县人民医院 unless
    told otherwise."""
    counter = iter(range(1, 10_000))

    def _make(text=None, *, days_ago=0, institution=DONGE, **kwargs):
        text = text or f"门诊缴费窗口排队太久了，第{next(counter)}次反映，希望增开窗口。"
        where = Institution.objects.get(name=institution) if institution else None
        ticket = services.submit_public(
            source=Ticket.Source.ONLINE, text=text, institution=where, **kwargs
        )
        if days_ago:
            at = timezone.now() - datetime.timedelta(days=days_ago)
            Ticket.objects.filter(pk=ticket.pk).update(received_at=at)
            ticket.refresh_from_db()
        return ticket

    return _make
