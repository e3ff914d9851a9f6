"""Template context processor: the queue's total (the sidebar badge) and the unread count
(the bell), each counted only when a page shows it."""

from django.utils.functional import SimpleLazyObject

from . import queue
from .models import Notification


def workbench(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "work_total": SimpleLazyObject(lambda: queue.total(user)),
        "unread_total": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user).unread().count()
        ),
    }
