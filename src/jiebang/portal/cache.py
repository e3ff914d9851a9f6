"""The public pages' cache: an anonymous visitor's GET answered 200 is kept in Django's cache
(settings.CACHES, shared by the server's processes) under the portal's version, the language
and the full path. Any save or delete of a record the pages show bumps the version
(PortalConfig.ready connects `bump` to those models' signals), so the next request renders
afresh and the old entries are never read again (they expire after PAGE_TIMEOUT, which also
bounds what a change made without signals, e.g. a bulk update, can leave on view).

Signed-in users are never served from the cache nor stored in it (staff preview drafts on the
same URLs), and neither is a request with a flash message waiting. A stored page goes out
as stored: it holds no per-visitor token (the public language switch posts without one, see
urls.py), so a hit costs one cache round trip (the version is read at most once a second).
"""

import hashlib
import time
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "portal:version"
PAGE_TIMEOUT = 600  # seconds
# Each process trusts the version it read for this long (one cache round trip a page, not
# two); a change made in this process is seen at once.
VERSION_TTL = 1.0
_local = {"version": None, "read_at": 0.0}
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def _fresh_version() -> int:
    """A starting version above any used before: if the version key is ever evicted, pages
    stored under an older number are not read again."""
    return time.time_ns() // 1000


def version() -> int:
    now = time.monotonic()
    if _local["version"] is not None and now - _local["read_at"] < VERSION_TTL:
        return _local["version"]
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        current = cache.get(VERSION_KEY) or 0
    _local.update(version=current, read_at=now)
    return current


def _increment() -> None:
    _local["version"] = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (first use, or evicted)
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
    else:
        cache.touch(VERSION_KEY, timeout=None)  # the file cache's incr sets the default timeout


def bump(**_signal_kwargs) -> None:
    """Invalidate every cached public page: now, and again when the transaction commits (a
    page rendered meanwhile read the data before the commit; registered once per
    transaction, however many rows it saves)."""
    _increment()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is _increment for entry in connection.run_on_commit
    ):
        transaction.on_commit(_increment)


def bump_for_ticket(instance, **_signal_kwargs) -> None:
    """A ticket's save changes the pages only when its reply becomes public, or it is dismissed
    or reopened."""
    if (instance.status in ("closed", "dismissed") and instance.item_id) or instance.reopened:
        bump()


def page_key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"portal:page:{version()}:{get_language()}:{path}"


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _stored(response: HttpResponse) -> dict:
    return {
        "content": response.content,
        "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
    }


def _restored(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"].items():
        response[header] = value
    return response


def cached_public_page(view):
    """Serve the view's anonymous GET answers from the cache (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            cache.set(key, _stored(response), PAGE_TIMEOUT)
            return response
        return _restored(entry)

    return wrapper
