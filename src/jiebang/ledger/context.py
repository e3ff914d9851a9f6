"""Template context processor: the count badge of 我的待办 in the menu."""

from .queries import Queue


def queue_badge(request):
    """`ledger_queue.count` is computed only when a page shows the badge (lazy, cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"ledger_queue": Queue(user)}
