"""Stage 5 experience supervision (体验监督, F5.3): open days (市民开放日) and 改革体验官 events
with their invitees (两代表一委员 — 党代表、人大代表、政协委员 —, patients and other service
users), the visit record, their suggestions, and each suggestion's path to adoption (adopted →
the project and/or measure it became). Every suggestion is also a stage-1 feedback item of the
officer channel, so the next round starts from it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import ScopedQuerySet
from jiebang.core.transitions import StatusMachine
from jiebang.needs.models import FeedbackItem
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Project


class Method(models.TextChoices):
    """How the invitees took part (seeds/000: 实地观摩、流程跟办、座谈评议)."""

    OBSERVATION = "observation", _("On-site observation")
    FOLLOW_THROUGH = "follow_through", _("Following a patient's process")
    PANEL = "panel", _("Round-table review")


class EventQuerySet(ScopedQuerySet):
    """City staff see every event; a county bureau the events held in its county; a unit the
    events it hosts."""

    region_path_field = "region__path"
    unit_field = "host"


class Event(StatusMachine, models.Model):
    """An open day or an experience-officer event: who was invited, what they saw (the visit
    record) and what they suggested."""

    class Kind(models.TextChoices):
        OPEN_DAY = "open_day", _("Citizens' open day")
        OFFICER = "officer", _("Reform experience officers")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    TRANSITIONS = {Status.PLANNED: {Status.HELD}, Status.HELD: set()}
    transition_error = _("An event cannot move from “%(old)s” to “%(new)s”.")
    HISTORY_CHOICES = {"methods": Method.choices}

    kind = models.CharField(_("kind of event"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    host = models.ForeignKey(
        Institution,
        verbose_name=_("host institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experience_events",
    )
    # Always set: the host's region when none is given (services.create_event), so that one
    # scope (the county's path) covers every event.
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="experience_events",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Shown on the public page: what the visitors were shown. Name no invitee."),
    )
    methods = models.JSONField(_("ways of taking part"), default=list, blank=True)
    visit_record = models.TextField(_("visit record"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    visit_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visit recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visit_recorded_at = models.DateTimeField(_("visit recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("experience event")
        verbose_name_plural = _("experience events")
        ordering = ["-date", "-pk"]
        # The staff list filters by period, the public list by status, newest first.
        indexes = [models.Index(fields=["status", "date"]), models.Index(fields=["date"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("experience:event-detail", args=[self.pk])

    @property
    def method_labels(self) -> list[str]:
        labels = dict(Method.choices)
        return [str(labels[m]) for m in self.methods if m in labels]


class InviteeQuerySet(ScopedQuerySet):
    region_path_field = "event__region__path"
    unit_field = "event__host"


class Invitee(models.Model):
    """A person invited to an event. Name, affiliation and phone are personal: staff pages
    only (the phone for those who run the event), never the public page."""

    class Category(models.TextChoices):
        PARTY_DEPUTY = "party_deputy", _("Party congress deputy")
        NPC_DEPUTY = "npc_deputy", _("People's congress deputy")
        CPPCC_MEMBER = "cppcc_member", _("CPPCC member")
        PATIENT = "patient", _("Patient or service user")
        OTHER = "other", _("Other invitee")

    event = models.ForeignKey(
        Event, verbose_name=_("experience event"), on_delete=models.CASCADE, related_name="invitees"
    )
    name = models.CharField(_("full name"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = InviteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["event", "category", "pk"]
        # The event page lists its invitees; the figures count them by category.
        indexes = [models.Index(fields=["event", "category"])]

    def __str__(self):
        return f"{self.name}（{self.get_category_display()}）"


class SuggestionQuerySet(ScopedQuerySet):
    region_path_field = "event__region__path"
    unit_field = "event__host"

    def awaiting_decision(self):
        return self.filter(status__in=Suggestion.AWAITING)


class Suggestion(StatusMachine, models.Model):
    """What an invitee suggested, and its path: received → under study → adopted (into a
    project and/or a measure) or not adopted (with the reason)."""

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("suggestion", "Received")
        STUDYING = "studying", _("Under study")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    S = Status
    TRANSITIONS = {
        S.RECEIVED: {S.STUDYING, S.ADOPTED, S.NOT_ADOPTED},
        S.STUDYING: {S.ADOPTED, S.NOT_ADOPTED},
        S.ADOPTED: set(),
        S.NOT_ADOPTED: set(),
    }
    AWAITING = (S.RECEIVED, S.STUDYING)
    del S
    transition_error = _("A suggestion cannot move from “%(old)s” to “%(new)s”.")

    event = models.ForeignKey(
        Event,
        verbose_name=_("experience event"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    invitee = models.ForeignKey(
        Invitee,
        verbose_name=_("suggested by"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    text = models.TextField(_("suggestion"))
    # The same words as a stage-1 item of the officer channel (heatmap, 高频投诉, proposals).
    feedback_item = models.OneToOneField(
        FeedbackItem,
        verbose_name=_("feedback item"),
        on_delete=models.PROTECT,
        related_name="officer_suggestion",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("adopted into project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officer_suggestions",
    )
    measure = models.TextField(_("adopted as measure"), blank=True)
    decision_note = models.TextField(pgettext_lazy("suggestion", "decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("suggestion", "decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        pgettext_lazy("suggestion", "decided at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["event", "pk"]
        # The event page lists its suggestions; the figures and the queue count by status.
        indexes = [models.Index(fields=["event", "status"]), models.Index(fields=["status"])]
        constraints = [
            # What adoption means: the suggestion became a project or a measure (or both).
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(project__isnull=False) | ~Q(measure=""),
                name="experience_adopted_has_outcome",
            ),
        ]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self):
        return reverse("experience:suggestion-detail", args=[self.pk])

    @property
    def is_awaiting(self) -> bool:
        return self.status in self.AWAITING
