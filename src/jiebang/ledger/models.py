"""The two ledgers (双台账) of stage 4: the task ledger (tasks and sub-tasks with department,
owner, dates, deliverable and weight) and the progress ledger (dated progress updates per task
and indicator measurements per reporting period, each with evidence files).

A figure the unit reports counts only once the county bureau or the task force confirms it;
a task's `percent` is its last confirmed figure. Overdue is derived from the deadline and
today's date in Asia/Shanghai, never stored.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jiebang.core.models import JobRecord
from jiebang.core.transitions import StatusMachine
from jiebang.core.uploads import check_upload
from jiebang.projects.models import CarriedQuerySet, Indicator, Project

DUE_SOON_DAYS = 7


class TaskQuerySet(CarriedQuerySet):
    """Tasks go with their project (CarriedQuerySet): whoever sees a project's ledger sees
    every task on it."""

    def open(self):
        return self.exclude(status=Task.Status.DONE)

    def overdue(self, today=None):
        """Past the deadline (before today's local date) and not done."""
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def due_soon(self, today=None):
        """Not done, due today or within the next DUE_SOON_DAYS days."""
        today = today or timezone.localdate()
        return self.open().filter(
            deadline__gte=today, deadline__lte=today + timedelta(days=DUE_SOON_DAYS)
        )

    def top_level(self):
        return self.filter(parent=None)


class Task(models.Model):
    """A task (or a sub-task, one level down) in a project's decomposition."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
        DONE = "done", _("Done")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subtasks",
    )
    title = models.CharField(_("task"), max_length=200)
    department = models.CharField(_("responsible department"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ledger_tasks",
    )
    start = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    deliverable = models.CharField(_("deliverable"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.01)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(
        _("confirmed progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["project", "deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="ledger_task_weight_positive"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="ledger_task_percent_max"),
        ]
        # The queues and the overdue counts filter open tasks by deadline.
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ledger:task-detail", args=[self.pk])

    def overdue_on(self, today) -> bool:
        """Not done and its deadline passed before `today` (a local date)."""
        return self.status != self.Status.DONE and self.deadline < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def is_due_soon(self) -> bool:
        today = timezone.localdate()
        return self.status != self.Status.DONE and today <= self.deadline <= today + timedelta(
            days=DUE_SOON_DAYS
        )


class Review(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned")


class DeadlineRequestQuerySet(CarriedQuerySet):
    project_field = "task__project"

    def pending(self):
        return self.filter(status=DeadlineChangeRequest.Status.PENDING)


class DeadlineChangeRequest(StatusMachine, models.Model):
    """Once the responsibility letter is confirmed its roadmap binds the unit: the unit no
    longer moves a task's deadline itself but asks, with a reason; the task force or the
    county bureau of the unit's county approves (the task's deadline changes) or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", pgettext_lazy("deadline change", "Approved")
        REFUSED = "refused", pgettext_lazy("deadline change", "Refused")

    S = Status
    TRANSITIONS = {S.PENDING: {S.APPROVED, S.REFUSED}, S.APPROVED: set(), S.REFUSED: set()}
    del S
    transition_error = _("A deadline change request cannot move from “%(old)s” to “%(new)s”.")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="deadline_requests"
    )
    old_deadline = models.DateField(_("deadline before"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    objects = DeadlineRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline change request")
        verbose_name_plural = _("deadline change requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open request per task; request_deadline_change checks it first for a message.
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="pending"),
                name="ledger_deadline_request_one_pending",
            )
        ]
        # The reviewers' queue lists the pending requests, oldest first.
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.task} · {self.old_deadline} → {self.requested_deadline}"

    @property
    def project(self) -> Project:
        return self.task.project


class ReviewedFigure(models.Model):
    """What a progress update and an indicator measurement share: the unit reports, the county
    bureau or the task force confirms or returns it with a reason."""

    review = models.CharField(
        _("review"), max_length=20, choices=Review.choices, default=Review.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def project(self) -> Project:
        raise NotImplementedError


class ProgressUpdateQuerySet(CarriedQuerySet):
    project_field = "task__project"


class ProgressUpdate(ReviewedFigure):
    """A dated report on one task (status, percent, text, evidence); an acceptance (验收) by
    the task force is recorded as an update it confirms itself."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        ACCEPTANCE = "acceptance", _("Acceptance")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    reported_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, choices=Task.Status.choices)
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("progress note"), blank=True)
    # The task's confirmed percent when this was reported; a lower figure needs a reason,
    # which the reviewer sees beside it.
    previous_percent = models.PositiveSmallIntegerField(
        _("confirmed progress before (%)"), null=True, blank=True
    )
    decrease_reason = models.TextField(_("reason for the lower progress"), blank=True)
    # Its reviewer may show a confirmed update on the public portal (services.set_update_public).
    is_public = models.BooleanField(_("shown on the public portal"), default=False)
    history = HistoricalRecords()

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-pk"]
        # The review queues list the updates awaiting confirmation.
        indexes = [models.Index(fields=["review", "reported_on"])]

    def __str__(self):
        return f"{self.task} · {self.reported_on} · {self.percent}%"

    @property
    def project(self) -> Project:
        return self.task.project


class MeasurementQuerySet(CarriedQuerySet):
    project_field = "indicator__project"

    def confirmed(self):
        return self.filter(review=Review.CONFIRMED)


class IndicatorMeasurement(ReviewedFigure):
    """The value of a project's quantified indicator for one reporting period (its first
    day: the month, quarter, half-year or year the figure covers)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    period = models.DateField(_("reporting period"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("data source"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator measurement")
        verbose_name_plural = _("indicator measurements")
        ordering = ["indicator", "period", "pk"]
        constraints = [
            # One live figure per indicator and period; a returned one may be reported again.
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(review__in=["submitted", "confirmed"]),
                name="ledger_measurement_one_live_per_period",
            )
        ]
        # The trend chart reads an indicator's confirmed figures in period order.
        indexes = [models.Index(fields=["review", "indicator", "period"])]

    def __str__(self):
        return f"{self.indicator} · {self.period:%Y-%m} · {self.value}"

    @property
    def project(self) -> Project:
        return self.indicator.project


EVIDENCE_TYPES = ("jpg", "jpeg", "png", "pdf", "xlsx", "xls")


def validate_evidence(upload) -> None:
    """Images, PDFs and Excel workbooks up to 10 MB whose content matches their extension."""
    check_upload(upload, EVIDENCE_TYPES)


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evidence goes with its update or measurement."""
        updates = ProgressUpdate.objects.visible_to(user).values("pk")
        measurements = IndicatorMeasurement.objects.visible_to(user).values("pk")
        return self.filter(Q(update__in=updates) | Q(measurement__in=measurements))


class Evidence(models.Model):
    """A file backing a progress update or an indicator measurement (served only to those who
    may see the figure; there is no public media URL)."""

    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    measurement = models.ForeignKey(
        IndicatorMeasurement,
        verbose_name=_("indicator measurement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="ledger/%Y/%m/", validators=[validate_evidence])
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(update__isnull=False, measurement__isnull=True)
                | Q(update__isnull=True, measurement__isnull=False),
                name="ledger_evidence_one_owner",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ledger:evidence", args=[self.pk])


class TaskImport(JobRecord):
    """One uploaded task sheet and its outcome. Small sheets are applied while the user waits,
    bigger ones by a background job (ledger/tasks.py) whose progress the page shows."""

    file = models.FileField(_("file"), upload_to="ledger-imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    added = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rejects = models.JSONField(_("rejected rows"), default=list, blank=True)
    # Rows up to this sheet row are applied (and counted above): a retry resumes after it, so
    # no row without a task id adds its task twice.
    applied_row = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("task sheet import")
        verbose_name_plural = _("task sheet imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("ledger:import-detail", args=[self.pk])


class TaskExport(JobRecord):
    """The task ledger of a big scope written to Excel by a background job (ledger/tasks.py):
    the page shows its progress, then a link that only its requester may follow."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    query = models.TextField(_("filters"), blank=True)  # the task list's query string
    scope = models.CharField(_("scope"), max_length=200)
    file = models.FileField(_("file"), upload_to="ledger-exports/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("task ledger export")
        verbose_name_plural = _("task ledger exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("ledger:export-detail", args=[self.pk])
