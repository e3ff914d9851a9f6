"""Stage 5's records: service windows with their QR codes, the rectification deadline of each
problem aspect, the public tickets (受理) with their timeline and follow-ups, and the keys of
partner systems on the Open311 intake."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import ScopedQuerySet
from jiebang.core.transitions import StatusMachine
from jiebang.needs.models import Category, FeedbackItem
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Project

DEFAULT_WORKING_DAYS = 5  # an aspect without its own deadline


class ServicePointQuerySet(ScopedQuerySet):
    region_path_field = "institution__region__path"
    unit_field = "institution"


class ServicePoint(models.Model):
    """A service window (服务窗口): a place in an institution where people are served and a
    QR code invites them to rate it."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    name = models.CharField(_("window"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")
        ordering = ["institution__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="service_point_unique")
        ]

    def __str__(self):
        return f"{self.institution} · {self.name}"

    def get_absolute_url(self):
        return reverse("supervision:point-detail", args=[self.pk])


class AspectDeadline(models.Model):
    """How many working days a unit has to rectify what the public said about one aspect."""

    category = models.OneToOneField(
        Category,
        verbose_name=_("aspect"),
        on_delete=models.CASCADE,
        related_name="rectification_deadline",
    )
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification deadline")
        verbose_name_plural = _("rectification deadlines")
        ordering = ["category__order", "category__name"]

    def __str__(self):
        return f"{self.category}: {self.working_days}"


class TicketQuerySet(ScopedQuerySet):
    """Staff see the tickets of their scope: a unit the ones routed to it, a county bureau
    those in its county, city staff all."""

    region_path_field = "region__path"
    unit_field = "unit"

    def public(self):
        """What anyone may read: every ticket not dismissed (as spam or abuse)."""
        return self.exclude(status=Ticket.Status.DISMISSED)

    def overdue(self, today):
        return self.filter(status__in=Ticket.RECTIFYING, deadline__lt=today)


def new_number(day) -> str:
    """A tracking number (受理编号) read out over the phone: the date and six letters and digits
    nobody guesses (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{day:%y%m%d}-" + "".join(secrets.choice(alphabet) for _ in range(6))


class Ticket(StatusMachine, models.Model):
    """One public submission (扫码评价, 回音壁, Open311) and its rectification: routed to the
    responsible unit with a deadline in working days, answered by the unit, checked by the
    county bureau (the task force for city-level units), its reply shown publicly."""

    class Status(models.TextChoices):
        ROUTING = "routing", _("To be routed")
        OPEN = "open", _("Being rectified")
        ANSWERED = "answered", _("Reply being checked")
        CLOSED = "closed", _("Closed")
        DISMISSED = "dismissed", _("Dismissed")

    S = Status
    TRANSITIONS = {
        S.ROUTING: {S.OPEN, S.DISMISSED},
        S.OPEN: {S.ANSWERED, S.ROUTING, S.DISMISSED},
        S.ANSWERED: {S.CLOSED, S.OPEN},
        S.CLOSED: {S.OPEN},
        S.DISMISSED: {S.ROUTING},
    }
    RECTIFYING = (S.OPEN,)
    del S
    transition_error = _("A ticket cannot move from “%(old)s” to “%(new)s”.")

    class Source(models.TextChoices):
        QR = "qr", _("QR code")
        ONLINE = "online", _("Online column")
        OPEN311 = "open311", _("Partner system (Open311)")

    number = models.CharField(_("tracking number"), max_length=16, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # What the citizen said, as stage-1 feedback (classified, on the heatmap); none for a
    # rating without a comment.
    item = models.OneToOneField(
        FeedbackItem,
        verbose_name=_("feedback item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("service window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    unit = models.ForeignKey(
        Institution,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # The county that checks the unit's reply (and routes what has no unit); none: the city.
    region = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ROUTING
    )
    received_at = models.DateTimeField(_("received at"))
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The reply was accepted by the deadline (set when closed; None while open).
    in_time = models.BooleanField(_("rectified in time"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # For the Open311 tokens/{token} lookup and the partner's own id.
    token = models.CharField(max_length=32, unique=True, editable=False)
    partner = models.ForeignKey(
        "supervision.ApiKey",
        verbose_name=_("partner system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # The signed device cookie and a digest of the text, for the duplicate check.
    device = models.CharField(max_length=32, blank=True, editable=False)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("public ticket")
        verbose_name_plural = _("public tickets")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="ticket_status_deadline"),
            models.Index(fields=["unit", "status"], name="ticket_unit_status"),
            models.Index(fields=["received_at"], name="ticket_received"),
            models.Index(fields=["project", "received_at"], name="ticket_project"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("supervision:ticket-detail", args=[self.pk])

    def get_public_url(self):
        return reverse("feedback:track-detail", args=[self.number])

    @property
    def text(self) -> str:
        return self.item.text if self.item_id else ""

    @property
    def phone(self) -> str:
        return self.item.caller_phone if self.item_id else ""

    @property
    def category(self):
        return self.item.category if self.item_id else None

    @property
    def target(self) -> str:
        """What was rated: the window, the project or the unit."""
        return str(self.service_point or self.project or self.unit or "")


class TicketEvent(models.Model):
    """One step in a ticket's life, shown on its page; the public sees the `public` ones."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ROUTED = "routed", _("Routed")
        REROUTED = "rerouted", _("Re-routed")
        SENT_BACK = "sent_back", _("Sent back for routing")
        ANSWERED = "answered", _("Answered")
        RETURNED = "returned", _("Reply returned")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        CONFIRMED = "confirmed", _("Confirmed fixed by the citizen")
        FOLLOW_UP = "follow_up", _("Follow-up sent")
        DISMISSED = "dismissed", _("Dismissed")
        RESTORED = "restored", _("Restored")

    PUBLIC = {
        Kind.RECEIVED,
        Kind.ROUTED,
        Kind.ANSWERED,
        Kind.CLOSED,
        Kind.REOPENED,
        Kind.CONFIRMED,
    }

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ticket step")
        verbose_name_plural = _("ticket steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.ticket} · {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC


class FollowUp(models.Model):
    """The question “已整改了吗？” sent to a citizen who left a phone, and their answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Answer(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        NOT_FIXED = "not_fixed", _("Not fixed")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="follow_ups")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.ticket} · {self.get_status_display()}"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    """The key a partner system (the 12345 platform, a WeChat mini-program) sends as
    `api_key` to post Open311 service requests. Only its digest is stored; the key is shown
    once, when made."""

    name = models.CharField(_("partner system"), max_length=100, unique=True)
    prefix = models.CharField(_("key begins"), max_length=8, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
