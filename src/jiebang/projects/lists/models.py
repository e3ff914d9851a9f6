"""榜单: a round of projects published together, with its application guide (申报指南)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import user_scope


class ProjectListQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every list; everyone else logged in the published ones."""
        if user_scope(user).is_city:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(status=ProjectList.Status.PUBLISHED)


class ProjectList(models.Model):
    """A 榜单: a round of projects published together, with its application guide (申报指南)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=200)
    round_number = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    guide_process = models.TextField(_("application process"), blank=True)
    guide_materials = models.TextField(_("required materials"), blank=True)
    guide_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    guide_contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ProjectListQuerySet.as_manager()

    class Meta:
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        ordering = ["-round_number", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:list-detail", args=[self.pk])
