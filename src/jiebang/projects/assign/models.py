"""派单: the city admin runs the assignment engine on the unclaimed projects, edits, confirms."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.orgs.models import Institution


class AssignmentRun(models.Model):
    """One run of the 派单 engine: the problem (projects, units, weights), the engine's answer
    and the admin's edits; confirming it assigns the projects and freezes it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projects"), related_name="assignment_runs"
    )
    units = models.ManyToManyField(
        Institution, verbose_name=_("units"), related_name="assignment_runs"
    )
    weight_capability = models.FloatField(_("capability weight"), default=1.0)
    weight_locality = models.FloatField(_("locality weight"), default=0.5)
    min_per_region = models.PositiveSmallIntegerField(_("minimum projects per county"), default=0)
    solver_status = models.CharField(_("engine status"), max_length=40)
    solver_note = models.TextField(_("engine note"), blank=True)
    engine_objective = models.FloatField(_("engine objective"))
    objective = models.FloatField(_("objective"))
    greedy_objective = models.FloatField(_("greedy objective"))
    solve_seconds = models.FloatField(_("solve time (s)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Assignment run #%(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("projects:assign-run", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.CONFIRMED

    SOLVER_LABELS = {
        "optimal": _("Optimal"),
        "optimal_without_balance": _("Optimal without the regional balance"),
        "time_limit": _("Time limit reached: best plan found"),
        "time_limit_without_balance": _("Time limit reached, without the regional balance"),
    }

    HISTORY_CHOICES = {"solver_status": SOLVER_LABELS}

    def get_solver_status_display(self) -> str:
        return self.SOLVER_LABELS.get(self.solver_status, self.solver_status)


class AssignmentPair(models.Model):
    """One project given to one unit in a run, with the score and why."""

    run = models.ForeignKey(
        AssignmentRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="pairs"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Institution, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField(_("score"))
    capability_match = models.FloatField(_("capability match"))
    is_local = models.BooleanField(_("local"))
    matched_capabilities = models.JSONField(_("matched capabilities"), default=list, blank=True)
    is_edited = models.BooleanField(_("edited"), default=False)
    engine_unit = models.ForeignKey(
        Institution,
        verbose_name=_("unit proposed by the engine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment pair")
        verbose_name_plural = _("assignment pairs")
        ordering = ["run", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "project"], name="projects_pair_one_per_project")
        ]

    def __str__(self):
        return f"{self.project.code} → {self.unit or '—'}"
