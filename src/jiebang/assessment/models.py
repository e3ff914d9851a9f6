"""Assessment points (绩效考核加分, F2.4): the rules the city admin sets, and the recognitions
(十佳, 省级典型案例, 国家级推广) that earn a project's unit extra credit.

Points themselves are never stored: points.py computes them from the records each time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.projects.models import CarriedQuerySet, Project


class PointRule(models.Model):
    """How many points one record of a kind earns (negative for a penalty)."""

    class Kind(models.TextChoices):
        CLAIM_APPROVED = "claim_approved", _("Claim approved")
        PROJECT_ASSIGNED = "project_assigned", _("Project assigned")
        COMPLETED_ON_TIME = "completed_on_time", _("Completed on time")
        COMPLETED_LATE = "completed_late", _("Completed late")
        TOP_TEN = "top_ten", _("Top-ten project")
        PROVINCIAL_CASE = "provincial_case", _("Provincial typical case")
        NATIONAL_RECOGNITION = "national_recognition", _("National recognition")
        OVERDUE_TASK = "overdue_task", _("Overdue task (each)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("records counted"), max_length=30, choices=Kind.choices)
    points = models.IntegerField(
        _("points"), help_text=_("Points per record; negative for a deduction.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["kind", "name"]
        constraints = [
            # One active rule per kind, so a record never counts twice; services check it first
            # for a message.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(is_active=True),
                name="assessment_one_active_rule",
                violation_error_message=_(
                    "Another active rule already counts these records; deactivate it first."
                ),
            )
        ]

    def __str__(self):
        return self.name


class RecognitionQuerySet(CarriedQuerySet):
    """An honour goes with its project."""


def current_year() -> int:
    return timezone.localdate().year


class Recognition(models.Model):
    """An honour a project received in a year: one of the ten best (十佳, from the evaluation
    stage), a provincial typical case or a national recognition. Its implementing unit earns
    the points of the matching rule."""

    class Kind(models.TextChoices):
        TOP_TEN = "top_ten", _("Top-ten project")
        PROVINCIAL_CASE = "provincial_case", _("Provincial typical case")
        NATIONAL_RECOGNITION = "national_recognition", _("National recognition")

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="recognitions",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), default=current_year)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RecognitionQuerySet.as_manager()

    # At most this many top-ten recognitions in a year.
    TOP_TEN_LIMIT = 10

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-year", "kind", "project"]
        constraints = [
            # A project is recognised once per kind and year; record_recognition checks first.
            models.UniqueConstraint(
                fields=["project", "kind", "year"],
                name="assessment_recognition_once",
                violation_error_message=_("The project already has this recognition for the year."),
            )
        ]
        # The points of a year count recognitions by kind and year.
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self):
        return f"{self.project.code} · {self.get_kind_display()} · {self.year}"
