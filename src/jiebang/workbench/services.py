"""Telling people: new work the moment it arises, events on their records, a daily reminder of
what is due or overdue, and the outbound messages for those who want them. Every outbound
message is a job (tasks.deliver); a notification's key makes telling idempotent."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.orgs.models import User

from . import queue as work
from .channels import channels
from .models import Delivery, Mode, Notification, Preference, Topic
from .registry import EVENTS, KINDS, MODELS

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def modes_of(user) -> dict[str, str]:
    """How the user wants to hear about each topic (their choice, else the default)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("topic", "mode"))
    return {topic: chosen.get(topic, _default_mode(topic)) for topic in Topic.values}


def _default_mode(topic) -> str:
    return settings.NOTIFY_DEFAULT_MODES.get(topic, Mode.APP)


def set_preferences(user, modes: dict[str, str]) -> None:
    for topic, mode in modes.items():
        Preference.objects.update_or_create(user=user, topic=topic, defaults={"mode": mode})


def notify(users, *, topic: str, key: str, title: str, url: str = "") -> list[Notification]:
    """Tell each user once (per key). Outbound copies are queued for users who want them; the
    jobs start when the transaction commits. Returns the notifications stored now."""
    stored = []
    for user in users:
        if not user.is_active:
            continue
        notification, created = Notification.objects.get_or_create(
            user=user, key=key[:200], defaults={"topic": topic, "title": title[:300], "url": url}
        )
        if created:
            stored.append(notification)
            _queue_outbound(notification)
    return stored


def _queue_outbound(notification: Notification) -> None:
    mode = modes_of(notification.user).get(notification.topic, Mode.APP)
    if mode == Mode.APP:
        return
    for name, channel in channels().items():
        if channel.address(notification.user) is None:
            continue
        delivery = Delivery.objects.create(
            notification=notification,
            channel=name,
            status=Delivery.Status.HELD if mode == Mode.DIGEST else Delivery.Status.PENDING,
        )
        if delivery.status == Delivery.Status.PENDING:
            transaction.on_commit(lambda pk=delivery.pk: enqueue_delivery(pk))


def enqueue(task, *args) -> None:
    """Start a workbench job. If the queue itself fails (Redis down), the failure is logged and
    the request goes on: a delivery stays pending and the daily run queues it again."""
    try:
        task.enqueue(*args)
    except Exception:  # noqa: BLE001 — any backend failure
        log.exception("could not queue %s%s", task.name, args)


def enqueue_delivery(pk: int) -> None:
    from .tasks import deliver

    enqueue(deliver, pk)


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def send(delivery: Delivery) -> Delivery:
    """Send one delivery through its channel (called by the job). A failure is stored with
    its reason; the sweep retries it up to MAX_ATTEMPTS times."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__user")
            .get(pk=delivery.pk)
        )
        if delivery.status != Delivery.Status.PENDING:
            return delivery  # sent already, or held for the digest: never twice
        delivery.attempts += 1
        notification = delivery.notification
        try:
            channels()[delivery.channel].send(
                notification.user, _subject(notification), _body([notification])
            )
        except Exception as error:  # noqa: BLE001 — the channel's failure, whatever it is
            delivery.status = Delivery.Status.FAILED
            delivery.error = _reason(error)
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.error = ""
        delivery.save()
    return delivery


def retry(delivery: Delivery, *, acting_user=None) -> None:
    """Put a failed delivery back in the queue (the admin's button, and the sweep)."""
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING
    )
    if updated:
        transaction.on_commit(lambda: enqueue_delivery(delivery.pk))


def _subject(notification) -> str:
    return _("[Jiebang] %(title)s") % {"title": notification.title}


def _body(notifications) -> str:
    base = settings.SITE_URL.rstrip("/")
    return "\n".join(f"· {n.title}\n  {base}{n.url}" for n in notifications)


# New work and events, from saved records (signals.py)


def announce(kind_key: str, pk) -> int:
    """Tell whoever must act on the record that it waits for them (if it still does)."""
    kind = KINDS[kind_key]
    record = MODELS[kind_key]._default_manager.filter(pk=pk).first()
    if record is None or kind.assignees is None:
        return 0
    round_ = kind.round(record) if kind.round else ""
    told = 0
    for user in kind.assignees(record):
        row = work.rows_of(kind, kind.pending(user).filter(pk=pk)).first()
        if row is None:
            continue  # not this user's to do after all (the queue's rule decides)
        told += len(
            notify(
                [user],
                topic=Topic.NEW_WORK,
                key=f"new:{kind.key}:{pk}:{round_}",
                title=f"{kind.label}：{row['w_title']}",
                url=work.link(row),
            )
        )
    return told


def fire(event_key: str, pk) -> int:
    event = EVENTS[event_key]
    record = event.model._default_manager.filter(pk=pk).first()
    if record is None or not event.when(record):
        return 0
    stored = notify(
        event.recipients(record),
        topic=event.topic,
        key=f"{event.key}:{pk}:{event.occurrence(record)}",
        title=event.title(record),
        url=event.url(record),
    )
    return len(stored)


# The daily run: reminders, the digest, and retries


def remind(user, today=None) -> int:
    """One reminder a day for what is overdue and one for what falls due within 3 days."""
    today = today or timezone.localdate()
    told = 0
    for due, topic, message in (
        ("overdue", Topic.OVERDUE, _("%(n)s items in your queue are overdue")),
        ("soon", Topic.DUE_SOON, _("%(n)s items in your queue are due within 3 days")),
    ):
        rows = work.queue(user, work.Filters(due=due))
        count = rows.count() if rows is not None else 0
        if count:
            told += len(
                notify(
                    [user],
                    topic=topic,
                    key=f"{topic}:{today.isoformat()}",
                    title=message % {"n": count},
                    url=f"{reverse('workbench:queue')}?due={due}",
                )
            )
    return told


def send_digests(now=None) -> int:
    """Send each user's held deliveries as one message per channel; those sent are marked so
    a second run sends nothing."""
    sent = 0
    held = (
        Delivery.objects.filter(status=Delivery.Status.HELD)
        .select_related("notification__user")
        .order_by("notification__user", "channel", "pk")
    )
    groups: dict[tuple, list[Delivery]] = {}
    for delivery in held:
        groups.setdefault((delivery.notification.user_id, delivery.channel), []).append(delivery)
    for (_user_id, channel_name), deliveries in groups.items():
        user = deliveries[0].notification.user
        channel = channels().get(channel_name)
        ids = [d.pk for d in deliveries]
        try:
            if channel is None:
                raise RuntimeError(f"channel {channel_name} is not configured")
            channel.send(
                user,
                _("[Jiebang] Daily digest: %(n)s notifications") % {"n": len(deliveries)},
                _body([d.notification for d in deliveries]),
            )
        except Exception as error:  # noqa: BLE001
            Delivery.objects.filter(pk__in=ids).update(error=_reason(error))
            continue
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENT, sent_at=now or timezone.now(), error=""
        )
        sent += 1
    return sent


def retry_failed(now=None) -> int:
    """Requeue failed deliveries that have attempts left, and pending ones whose job was never
    queued (older than a few minutes)."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=5)
    again = list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
            | Q(status=Delivery.Status.PENDING, created_at__lt=stale)
        ).values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=again, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING
    )
    for pk in again:
        enqueue_delivery(pk)
    return len(again)


def active_users():
    return User.objects.filter(is_active=True).order_by("pk")


def mark_read(user, ids=None) -> int:
    unread = Notification.objects.filter(user=user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def daily_run(today=None, progress=iter) -> dict:
    """What `jiebang send-reminders` (cron, or the worker's schedule) does once a day: the
    reminders, the digests and the retries. Running it twice the same day tells nobody twice."""
    reminded = sum(remind(user, today) for user in progress(active_users()))
    return {"reminders": reminded, "digests": send_digests(), "retried": retry_failed()}
