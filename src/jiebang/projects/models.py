"""Stage 2–3 projects. For now the minimal project a selected proposal becomes; the projects
issue extends it with the three elements, lists, claims and assignment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.needs.models import Proposal


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("project title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_key = models.BooleanField(_("key project"), default=False)
    source_proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("source proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"
