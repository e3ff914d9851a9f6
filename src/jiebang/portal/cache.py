"""The public pages' cache: an anonymous visitor's GET answered 200 is kept in Django's cache
(settings.CACHES, shared by the server's processes) under the portal's version, the language
and the full path. Any save or delete of a record the pages show bumps the version
(PortalConfig.ready connects `bump` to those models' signals), so the next request renders
afresh and the old entries are never read again (they expire after PAGE_TIMEOUT, which also
bounds what a change made without signals, e.g. a bulk update, can leave on view).

Signed-in users are never served from the cache nor stored in it (staff preview drafts on the
same URLs), and neither is a request with a flash message waiting. The CSRF token of the page's
language switch is not in the stored page: the views render a placeholder, replaced on every
answer with the visitor's own token.
"""

import hashlib
import time
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

VERSION_KEY = "portal:version"
PAGE_TIMEOUT = 600  # seconds
# Rendered in place of the CSRF token (the views put it in the context as csrf_token).
CSRF_PLACEHOLDER = "portal-csrf-placeholder-4f1c2a"
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def _fresh_version() -> int:
    """A starting version above any used before: if the version key is ever evicted, pages
    stored under an older number are not read again."""
    return time.time_ns() // 1000


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        current = cache.get(VERSION_KEY) or 0
    return current


def _increment() -> None:
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


def _with_token(request, response: HttpResponse) -> HttpResponse:
    if CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response


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
            return _with_token(request, view(request, *args, **kwargs))
        key = page_key(request)
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return _with_token(request, response)
            cache.set(key, _stored(response), PAGE_TIMEOUT)
            return _with_token(request, response)
        return _with_token(request, _restored(entry))

    return wrapper
