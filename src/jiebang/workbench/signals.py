"""Saved records announce new work and events: a cheap test on the instance decides whether a
job should look closer (services.announce / services.fire), after the transaction commits."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_save

from .registry import EVENTS, KINDS, MODELS

_muted = ContextVar("workbench_muted", default=False)


@contextmanager
def muted():
    """No announcements while loading data in bulk (the demo); the state is what counts, and
    the queue shows it."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _saved(sender, instance, raw=False, **kwargs):
    if raw or _muted.get():
        return
    from .services import enqueue
    from .tasks import announce_work, fire_event

    for key, model in MODELS.items():
        kind = KINDS[key]
        if (
            model is sender
            and kind.assignees
            and kind.announce_when
            and kind.announce_when(instance)
        ):
            transaction.on_commit(lambda k=key, pk=instance.pk: enqueue(announce_work, k, pk))
    for event in EVENTS.values():
        if event.model is sender and event.when(instance):
            transaction.on_commit(lambda k=event.key, pk=instance.pk: enqueue(fire_event, k, pk))


def connect() -> None:
    models = {*MODELS.values(), *(e.model for e in EVENTS.values())}
    for model in models:
        post_save.connect(_saved, sender=model, dispatch_uid=f"workbench-{model._meta.label}")
