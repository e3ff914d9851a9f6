"""Abuse resistance for every public form (QR rating, 回音壁, Open311 without a key).

A limit per network address alone would block the patients of a whole hospital behind one
Wi-Fi: each browser gets a device id in a signed cookie and a small hourly allowance
(PUBLIC_DEVICE_LIMIT); the address gets a much larger one (PUBLIC_IP_LIMIT) that only a script
reaches. A request without a valid device cookie counts against its address's cookieless
bucket at the device rate, so dropping the cookie gains nothing. Counts live in the shared
cache (settings.CACHES) in fixed one-hour windows. The address is the one the log-in lockout
(django-axes) uses, so a deployment behind a proxy configures it once.
"""

import time
import uuid

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import DomainError

DEVICE_COOKIE = "jb_device"
DEVICE_SALT = "jiebang.device"
DEVICE_MAX_AGE = 365 * 24 * 3600
WINDOW = 3600


def client_ip(request) -> str:
    return get_client_ip_address(request) or "unknown"


def device_of(request) -> str | None:
    """The device id of the signed cookie, or None (no cookie, or a forged one)."""
    try:
        return request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None


def give_device(request, response):
    """Set the device cookie on a public page's response if the browser has none."""
    if device_of(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            uuid.uuid4().hex,
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _count(key: str) -> int:
    window = int(time.time()) // WINDOW
    key = f"throttle:{key}:{window}"
    cache.add(key, 0, WINDOW + 60)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, WINDOW + 60)
        return 1


def check(request, form: str) -> None:
    """Count one submission of `form` by this device and address; DomainError, in Chinese,
    saying what happened and what to do, when either is over its hourly limit."""
    ip = client_ip(request)
    device = device_of(request) or f"ip-{ip}"
    # Counted first, compared after: simultaneous requests of one device cannot all slip under
    # the limit between a read and a write.
    if _count(f"{form}:d:{device}") > settings.PUBLIC_DEVICE_LIMIT:
        raise DomainError(
            _(
                "This phone or computer has sent %(n)s submissions within the hour, the most "
                "we accept. Please try again in an hour; if the matter is urgent, call the "
                "12345 hotline."
            )
            % {"n": settings.PUBLIC_DEVICE_LIMIT}
        )
    if _count(f"{form}:ip:{ip}") > settings.PUBLIC_IP_LIMIT:
        raise DomainError(
            _(
                "Unusually many submissions are coming from your network this hour, so we have "
                "paused accepting more from it. Please try again in an hour, or from a mobile "
                "data connection; if the matter is urgent, call the 12345 hotline."
            )
        )
