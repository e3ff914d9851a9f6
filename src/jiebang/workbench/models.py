"""Notifications (X.4): what a user is told in the app, and each outbound message sent for it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a notification is about; a user sets per topic how to be told."""

    NEW_WORK = "new_work", _("New work in my queue")
    DUE_SOON = "due_soon", _("Deadline within 3 days")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", _("Returned with a reason")
    DECISION = "decision", _("Decisions on my claims")
    INTERVIEW = "interview", _("Interview notices")
    RECTIFICATION = "rectification", _("Rectification orders")


class Mode(models.TextChoices):
    APP = "app", _("In the app only")
    OUTBOUND = "outbound", _("Also by message at once")
    DIGEST = "digest", _("Also in a daily digest")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing a user is told once: `key` names the event (kind, record and occurrence), so
    running a reminder twice or announcing the same work again stores nothing new."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    key = models.CharField(_("event key"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="workbench_notification_once")
        ]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """A notification sent outside the app through one channel (e-mail, an SMS gateway, a
    WeChat Work webhook). Sent by a job; a failure is kept with its reason and retried."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        HELD = "held", _("Held for the daily digest")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="workbench_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.notification} · {self.channel_label}"

    @property
    def channel_label(self) -> str:
        from .channels import channels

        channel = channels().get(self.channel)
        return str(getattr(channel, "label", "") or self.channel)


class Preference(models.Model):
    """How a user wants to hear about one topic; without a row the topic's default applies
    (settings.NOTIFY_DEFAULT_MODES)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.APP)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="workbench_preference_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_topic_display()}"
