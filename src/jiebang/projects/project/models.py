"""Stage 2 发榜定项: reform dimensions, projects with their three elements (实施主体, 覆盖范围,
量化指标) and timeline, and each project's status pipeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import user_scope
from jiebang.core.transitions import StatusMachine
from jiebang.needs.models import Proposal
from jiebang.orgs.models import Institution, Region


class Dimension(models.Model):
    """One of the reform dimensions (改革维度); the city admin keeps the list."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reform dimension")
        verbose_name_plural = _("reform dimensions")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every project; a county bureau the projects whose implementing unit
        or region lies in its county; a unit its own. Everyone logged in sees published ones."""
        scope = user_scope(user)
        if scope.is_city:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        public = Q(status__in=Project.PUBLIC_STATUSES)
        if scope.region_path:
            return self.filter(
                public
                | Q(implementing_unit__region__path__startswith=scope.region_path)
                | Q(region__path__startswith=scope.region_path)
            )
        if scope.unit_id:
            return self.filter(public | Q(implementing_unit=scope.unit_id))
        return self.filter(public)

    def implemented_visible_to(self, user):
        """The projects a user works on once a unit carries them (stages 4–6): city staff all,
        a county bureau those whose implementing unit or region lies in its county, a unit its
        own. Published alone is not enough."""
        scope = user_scope(user)
        if scope.is_city:
            return self
        if scope.region_path:
            return self.filter(
                Q(implementing_unit__region__path__startswith=scope.region_path)
                | Q(region__path__startswith=scope.region_path)
            )
        if scope.unit_id:
            return self.filter(implementing_unit=scope.unit_id)
        return self.none()


class CarriedQuerySet(models.QuerySet):
    """Rows a project carries once a unit implements it (tasks, progress updates, indicator
    measurements, letters, task forces, minutes, interviews, advice, recognitions …): visible
    exactly when their project is, by the one stage 4–6 scope,
    Project.objects.implemented_visible_to. `project_field` leads from the row to its project."""

    project_field = "project"

    def visible_to(self, user):
        if user_scope(user).is_city:
            return self
        projects = Project.objects.implemented_visible_to(user).values("pk")
        return self.filter(**{f"{self.project_field}__in": projects})


class Project(StatusMachine, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLAIMED = "claimed", _("Claimed")
        ASSIGNED = "assigned", _("Assigned")
        CONTRACTED = "contracted", _("Contracted")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        EVALUATED = "evaluated", _("Evaluated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    S = Status
    TRANSITIONS = {
        S.DRAFT: {S.PUBLISHED, S.WITHDRAWN},
        S.PUBLISHED: {S.CLAIMED, S.ASSIGNED, S.WITHDRAWN},
        S.CLAIMED: {S.CONTRACTED, S.WITHDRAWN},
        S.ASSIGNED: {S.CONTRACTED, S.WITHDRAWN},
        S.CONTRACTED: {S.IN_PROGRESS},
        S.IN_PROGRESS: {S.COMPLETED},
        S.COMPLETED: {S.EVALUATED},
        S.EVALUATED: set(),
        S.WITHDRAWN: set(),
    }
    # Once published a project stays on view for every unit, whatever happens next.
    PUBLIC_STATUSES = (
        S.PUBLISHED,
        S.CLAIMED,
        S.ASSIGNED,
        S.CONTRACTED,
        S.IN_PROGRESS,
        S.COMPLETED,
        S.EVALUATED,
    )
    del S
    transition_error = _("A project cannot move from “%(old)s” to “%(new)s”.")

    class Channel(models.TextChoices):
        DIRECTED = "directed", _("Directed commission")
        OPEN = "open", _("Open application")

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("project title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_key = models.BooleanField(_("key project"), default=False)
    # The item (事项) the project belongs to: the selected proposal it was drawn from. One item
    # yields several projects (seeds/000: 51 items, 192 projects).
    source_proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        help_text=_("The selected proposal (item) this project is drawn from."),
    )
    dimension = models.ForeignKey(
        Dimension,
        verbose_name=_("reform dimension"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    implementing_unit = models.ForeignKey(
        Institution,
        verbose_name=_("implementing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_projects",
    )
    coverage_regions = models.ManyToManyField(
        Region, verbose_name=_("coverage regions"), blank=True, related_name="covered_projects"
    )
    coverage_types = models.JSONField(_("coverage institution types"), default=list, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=3, choices=[(i, str(i)) for i in range(1, 6)]
    )
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    eligible_types = models.JSONField(_("eligible institution types"), default=list, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.OPEN
    )
    project_list = models.ForeignKey(
        "projects.ProjectList",
        verbose_name=_("list"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[coverage_regions])
    # Codes stored without declared choices, with their labels (core.history shows those).
    HISTORY_CHOICES = {
        "coverage_types": Institution.Kind.choices,
        "eligible_types": Institution.Kind.choices,
    }

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.pk])

    def coverage_type_labels(self) -> list[str]:
        labels = dict(Institution.Kind.choices)
        return [str(labels.get(code, code)) for code in self.coverage_types]

    def move_to(self, status, *, by, reason="") -> "StatusChange":
        """Change the status along TRANSITIONS and record it; DomainError on an illegal move."""
        old = self.status
        super().move_to(status, by=by)
        self.save(update_fields=["status"])
        return StatusChange.objects.create(
            project=self, from_status=old, to_status=status, changed_by=by, reason=reason
        )


class Indicator(models.Model):
    """A quantified indicator (量化指标) with its baseline and target."""

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.UP
    )
    method = models.TextField(_("measurement method"), blank=True)
    frequency = models.CharField(
        _("reporting frequency"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "pk"]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date", "pk"]

    def __str__(self):
        return self.title


class StatusChange(models.Model):
    """One move of a project along its pipeline: who, from, to, when and why."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Project.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Project.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["project", "changed_at", "pk"]
        # The project page lists its changes in order.
        indexes = [models.Index(fields=["project", "changed_at"])]

    def __str__(self):
        return (
            f"{self.project.code} · "
            f"{self.get_from_status_display()} → {self.get_to_status_display()}"
        )
