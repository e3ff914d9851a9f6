"""What GeoReport v2 reads, as plain data with the spec's field names (schemas.py).

Services are the active stage-1 categories. Service requests are the public tickets anyone may
read (never a dismissed one) that carry words: a rating without a comment has nothing to
rectify and is not a service request. Their text is masked (core.text.redact), and the citizen's
name and phone are never part of them. Times carry the +08:00 offset (Asia/Shanghai)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiebang.core.forms import date_range_error
from jiebang.core.text import redact
from jiebang.needs.models import Category

from ..models import Ticket
from .formats import MEDIA_TYPES, Open311Error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = dt.datetime(2026, 12, 2, tzinfo=dt.timezone(dt.timedelta(hours=8)))
WINDOW = dt.timedelta(days=90)  # the spec's default window, and the longest one asked for
MAX_ROWS = 1000  # the spec's most requests in one answer
GROUP = gettext_lazy("Health services")
RATINGS = [
    ("1", gettext_lazy("Very dissatisfied")),
    ("2", gettext_lazy("Dissatisfied")),
    ("3", gettext_lazy("Neutral")),
    ("4", gettext_lazy("Satisfied")),
    ("5", gettext_lazy("Very satisfied")),
]


def stamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset, in the city's time: 2026-12-02T15:58:47+08:00."""
    if value is None:
        return None
    return timezone.localtime(value, timezone.get_default_timezone()).isoformat("T", "seconds")


def end_of_day(day: dt.date | None) -> str | None:
    if day is None:
        return None
    moment = dt.datetime.combine(day, dt.time(23, 59, 59), timezone.get_default_timezone())
    return stamp(moment)


# -- Services ----------------------------------------------------------------------------------


def active_categories():
    return Category.objects.filter(is_active=True).order_by("order", "name")


def services() -> list[dict]:
    return [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": _("Problems with “%(name)s” at hospitals, clinics and health centres.")
            % {"name": category.name},
            "metadata": True,
            "type": "realtime",
            "keywords": category.name,
            "group": str(GROUP),
        }
        for category in active_categories()
    ]


def service_definition(code: str) -> dict | None:
    """The optional attributes every service takes: a rating and the institution concerned."""
    if not active_categories().filter(code=code).exists():
        return None
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": "rating",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 1,
                "description": _("How satisfied are you with the service?"),
                "values": [{"key": key, "name": str(name)} for key, name in RATINGS],
            },
            {
                "variable": True,
                "code": "institution",
                "datatype": "string",
                "required": False,
                "datatype_description": _(
                    "The full registered name of the hospital or clinic, e.g. 东阿县人民医院."
                ),
                "order": 2,
                "description": _("The hospital or clinic concerned"),
                "values": [],
            },
        ],
    }


def discovery(url: str) -> dict:
    return {
        "changeset": stamp(CHANGESET),
        "contact": _("Liaocheng Municipal Health Commission"),
        "key_service": _("Partner systems ask the city health commission for a key."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": stamp(CHANGESET),
                "type": "production",
                "formats": list(MEDIA_TYPES.values()),
            }
        ],
    }


# -- Service requests --------------------------------------------------------------------------


def readable():
    """The tickets GeoReport shows: public (not dismissed) and with words."""
    return (
        Ticket.objects.public()
        .filter(item__isnull=False)
        .select_related("item__category", "item__institution", "unit", "service_point__institution")
    )


def request_row(ticket: Ticket) -> dict:
    item = ticket.item
    closed = ticket.status == Ticket.Status.CLOSED
    place = ticket.service_point or ticket.unit or item.institution
    return {
        "service_request_id": ticket.number,
        "status": "closed" if closed else "open",
        "status_notes": redact(ticket.reply) if closed and ticket.reply else None,
        "service_name": item.category.name if item.category_id else None,
        "service_code": item.category.code if item.category_id else None,
        "description": redact(item.text),
        "agency_responsible": ticket.unit.name if ticket.unit_id else None,
        "service_notice": str(ticket.get_status_display()),
        "requested_datetime": stamp(ticket.received_at),
        "updated_datetime": stamp(ticket.updated_at),
        "expected_datetime": None if closed else end_of_day(ticket.deadline),
        "address": str(place) if place else None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def find_request(number: str) -> dict | None:
    ticket = readable().filter(number=number).first()
    return request_row(ticket) if ticket else None


def find_token(token: str) -> dict | None:
    found = readable().filter(token=token).values_list("number", "token").first()
    return {"service_request_id": found[0], "token": found[1]} if found else None


def posted(ticket: Ticket) -> dict:
    return {
        "service_request_id": ticket.number,
        "token": ticket.token,
        "service_notice": str(ticket.get_status_display()),
        "account_id": None,
    }


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _moment(value: str | None, name: str) -> dt.datetime | None:
    """A time the client sent (ISO 8601), checked; without an offset it is the city's time.
    An offset's "+" sent unencoded in the query string arrives as a space: it is read too."""
    if not value:
        return None
    text = re.sub(r" (\d\d(:?\d\d)?)$", r"+\1", value.strip())
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            _("%(name)s is not a date and time such as 2026-12-01T08:00:00+08:00.")
            % {"name": name},
        )
    if message := date_range_error(moment):
        raise Open311Error(400, f"{name}: {message}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime


def window(start_date: str | None, end_date: str | None, now: dt.datetime) -> Window:
    """The requested_datetime range searched: the last 90 days by default; 90 days from
    start_date or up to end_date when only one is given. Both given may span 90 days at most
    (the spec): a longer range is refused rather than cut, so a client never mistakes a
    part for the whole."""
    start = _moment(start_date, "start_date")
    end = _moment(end_date, "end_date")
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date lies before start_date."))
        if end - start > WINDOW:
            raise Open311Error(
                400,
                _("start_date and end_date may span %(days)s days at most.")
                % {"days": WINDOW.days},
            )
        return Window(start, end)
    if start:
        return Window(start, start + WINDOW)
    end = end or now
    return Window(end - WINDOW, end)


def requests(
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> list[dict]:
    """GET requests: the newest MAX_ROWS matching the filters in the window (see `window`).
    service_request_id (comma-separated) overrides every other filter, as the spec says."""
    tickets = readable().order_by("-received_at", "-pk")
    if numbers := _split(service_request_id):
        tickets = tickets.filter(number__in=numbers[:MAX_ROWS])
    else:
        span = window(start_date, end_date, timezone.now())
        tickets = tickets.filter(received_at__gte=span.start, received_at__lte=span.end)
        if codes := _split(service_code):
            tickets = tickets.filter(item__category__code__in=codes)
        statuses = set(_split(status))
        if statuses == {"open"}:
            tickets = tickets.exclude(status=Ticket.Status.CLOSED)
        elif statuses == {"closed"}:
            tickets = tickets.filter(status=Ticket.Status.CLOSED)
    return [request_row(ticket) for ticket in tickets[:MAX_ROWS]]
