"""The portal's own records: news items and press conferences (新闻发布会), and the numbered
work briefings (工作简报) whose figures are computed from the other apps' records when a
briefing is generated (portal/briefings.py) and frozen with it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jiebang.core.transitions import StatusMachine
from jiebang.projects.models import Project


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("publication", "Published")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)


class NewsItem(StatusMachine, models.Model):
    """A news item (工作动态) or the record of a press conference, shown on the portal once
    published; city staff write, publish and unpublish them."""

    Status = PublicationStatus
    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.DRAFT},
    }
    transition_error = _("A news item cannot move from “%(old)s” to “%(new)s”.")

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        PRESS_CONFERENCE = "press_conference", _("Press conference")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    # A press conference's place and who spoke (发布人); empty for news.
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        pgettext_lazy("publication", "published at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-date", "-pk"]
        # The portal's lists read the published items, newest first (per kind).
        indexes = [models.Index(fields=["status", "kind", "date"], name="portal_news_public")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:news-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Briefing(StatusMachine, models.Model):
    """A work briefing (工作简报, 第N期) for one period: the figures computed from the records
    when it was generated (a snapshot: what was true then stays in the issue), the projects it
    highlights and the text staff write; public, with its PDF, once published."""

    Status = PublicationStatus
    TRANSITIONS = {Status.DRAFT: {Status.PUBLISHED}, Status.PUBLISHED: set()}
    transition_error = _("A briefing cannot move from “%(old)s” to “%(new)s”.")

    number = models.PositiveIntegerField(_("issue number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("highlighted projects"), blank=True, related_name="briefings"
    )
    highlights = models.TextField(_("highlights"), blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        pgettext_lazy("publication", "published at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[projects])

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work briefing")
        verbose_name_plural = _("work briefings")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="portal_briefing_period_order",
            )
        ]

    def __str__(self):
        return str(self.issue_label)

    def get_absolute_url(self):
        return reverse("portal:briefing-detail", args=[self.pk])

    @property
    def issue_label(self) -> str:
        """第N期."""
        return _("Issue %(number)s") % {"number": self.number}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
