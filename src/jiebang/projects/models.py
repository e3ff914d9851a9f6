"""Stage 2 发榜定项: reform dimensions, projects with their three elements (实施主体, 覆盖范围,
量化指标) and timeline, the lists (榜单) that publish them, and each project's status pipeline."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import user_scope
from jiebang.core.transitions import StatusMachine
from jiebang.core.uploads import check_upload
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
        ProjectList,
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


CLAIM_ATTACHMENT_TYPES = ("pdf", "doc", "docx", "xlsx", "jpg", "jpeg", "png")


def validate_claim_attachment(upload) -> None:
    """Only documents and images the reviewers can open, up to 10 MB."""
    check_upload(upload, CLAIM_ATTACHMENT_TYPES)


class ClaimQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every claim; a county bureau the claims of its county's units and
        the claims on its county's projects; a unit its own claims."""
        scope = user_scope(user)
        if scope.is_city:
            return self
        if scope.region_path:
            return self.filter(
                Q(claimant_unit__region__path__startswith=scope.region_path)
                | Q(project__region__path__startswith=scope.region_path)
            )
        if scope.unit_id:
            return self.filter(claimant_unit=scope.unit_id)
        return self.none()

    def open(self):
        return self.filter(status__in=Claim.OPEN_STATUSES)


class Claim(StatusMachine, models.Model):
    """点单: a unit applies to implement a published project with its plan (实施方案)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ENDORSED = "endorsed", _("Endorsed by the county")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    S = Status
    TRANSITIONS = {
        S.SUBMITTED: {S.ENDORSED, S.REJECTED, S.WITHDRAWN},
        S.ENDORSED: {S.APPROVED, S.REJECTED, S.WITHDRAWN},
        S.APPROVED: set(),
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
    }
    OPEN_STATUSES = (S.SUBMITTED, S.ENDORSED)
    del S
    transition_error = _("A claim cannot move from “%(old)s” to “%(new)s”.")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="claims"
    )
    claimant_unit = models.ForeignKey(
        Institution,
        verbose_name=_("claimant unit"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    plan = models.TextField(_("implementation plan"))
    attachment = models.FileField(
        _("attachment"),
        upload_to="claims/",
        blank=True,
        validators=[validate_claim_attachment],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    county_note = models.TextField(_("county note"), blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endorsed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open claim per unit and project; claim_project checks it first for a message.
            models.UniqueConstraint(
                fields=["project", "claimant_unit"],
                condition=Q(status__in=["submitted", "endorsed"]),
                name="projects_claim_one_open_per_unit",
            )
        ]
        # The claims pages filter by status (the county's and the city's queues).
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.project.code} · {self.claimant_unit}"

    @property
    def in_competition(self) -> bool:
        """A competition under way on the project decides this claim (reads the prefetched
        project.competitions when there are)."""
        return any(c.status in Competition.ACTIVE_STATUSES for c in self.project.competitions.all())


GREEN_CHANNEL_RESPONSE_DAYS = 10


def default_response_deadline():
    """Ten days after raising, counted in local (Asia/Shanghai) dates."""
    return timezone.localdate() + timedelta(days=GREEN_CHANNEL_RESPONSE_DAYS)


class GreenChannelCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every case; a county bureau the cases raised by its county's units;
        a unit the cases it raised; and everyone who sees a project (CarriedQuerySet) the cases
        raised on it."""
        scope = user_scope(user)
        if scope.is_city:
            return self
        on_project = Q(project__in=Project.objects.implemented_visible_to(user).values("pk"))
        if scope.region_path:
            return self.filter(
                Q(raised_by_unit__region__path__startswith=scope.region_path) | on_project
            )
        if scope.unit_id:
            return self.filter(Q(raised_by_unit=scope.unit_id) | on_project)
        return self.none()


class GreenChannelCase(StatusMachine, models.Model):
    """绿色通道/直报 (一事一议): a unit raises a cross-department obstacle straight to the task
    force, which takes it, coordinates the departments and answers within a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("green channel case", "Open")
        IN_COORDINATION = "in_coordination", _("In coordination")
        RESOLVED = "resolved", _("Resolved")
        CLOSED_UNRESOLVED = "closed_unresolved", _("Closed unresolved")

    class Department(models.TextChoices):
        MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance")
        STAFFING = "staffing", _("Staffing")
        FINANCE = "finance", _("Finance")
        HUMAN_RESOURCES = "human_resources", _("Human resources")
        DEVELOPMENT_REFORM = "development_reform", _("Development and reform")
        MARKET_REGULATION = "market_regulation", _("Market regulation")
        EDUCATION = "education", _("Education")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
        OTHER = "other", _("Other department")

    S = Status
    TRANSITIONS = {
        S.OPEN: {S.IN_COORDINATION, S.CLOSED_UNRESOLVED},
        S.IN_COORDINATION: {S.RESOLVED, S.CLOSED_UNRESOLVED},
        S.RESOLVED: set(),
        S.CLOSED_UNRESOLVED: set(),
    }
    ACTIVE_STATUSES = (S.OPEN, S.IN_COORDINATION)
    del S
    transition_error = _("A case cannot move from “%(old)s” to “%(new)s”.")

    raised_by_unit = models.ForeignKey(
        Institution,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="green_channel_cases",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="green_channel_cases",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    departments = models.JSONField(_("departments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_deadline = models.DateField(_("response deadline"), default=default_response_deadline)
    resolution = models.TextField(_("resolution"), blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = GreenChannelCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("green channel case")
        verbose_name_plural = _("green channel cases")
        ordering = ["response_deadline", "-pk"]
        # The green channel list filters by status and sorts the active cases by deadline.
        indexes = [models.Index(fields=["status", "response_deadline"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:case-detail", args=[self.pk])

    def overdue_on(self, today) -> bool:
        """Still active and its deadline passed before `today` (a local date)."""
        return self.status in self.ACTIVE_STATUSES and self.response_deadline < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    HISTORY_CHOICES = {"departments": Department.choices}

    def department_labels(self) -> list[str]:
        labels = dict(self.Department.choices)
        return [str(labels.get(code, code)) for code in self.departments]


# 竞技比武: several units claim one open project; a panel scores each pitch at a roadshow.


class CompetitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every competition; a panel member or expert those on whose panel
        they sit; a county bureau those with a pitch from its county; a unit those it pitches
        in."""
        scope = user_scope(user)
        if scope.is_city:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        seen = Q(panel=user)
        if scope.region_path:
            seen |= Q(project__claims__claimant_unit__region__path__startswith=scope.region_path)
        elif scope.unit_id:
            seen |= Q(project__claims__claimant_unit=scope.unit_id)
        ids = self.model.objects.filter(seen).values("pk")
        return self.filter(pk__in=ids)


class Competition(StatusMachine, models.Model):
    """竞技比武: a roadshow where the units claiming one open project pitch to a panel; the
    ranking of the panel's scores picks the winner."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the roadshow")
        SCORING = "scoring", _("Scoring")
        CLOSED = "closed", _("Concluded")
        CANCELLED = "cancelled", _("Cancelled")

    S = Status
    TRANSITIONS = {
        S.OPEN: {S.SCORING, S.CANCELLED},
        S.SCORING: {S.CLOSED, S.CANCELLED},
        S.CLOSED: set(),
        S.CANCELLED: set(),
    }
    ACTIVE_STATUSES = (S.OPEN, S.SCORING)
    del S
    transition_error = _("A competition cannot move from “%(old)s” to “%(new)s”.")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="competitions"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    session_at = models.DateTimeField(_("roadshow date and time"))
    place = models.CharField(_("place"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("panel"),
        blank=True,
        related_name="competition_panels",
    )
    pitches = models.ManyToManyField(
        "Claim", verbose_name=_("pitches"), blank=True, related_name="competitions"
    )
    winner = models.ForeignKey(
        "Claim",
        verbose_name=_("winning claim"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[panel, pitches])

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-session_at", "-pk"]
        constraints = [
            # One live competition per project; open_competition checks it first for a message.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["open", "scoring"]),
                name="projects_competition_one_active_per_project",
            )
        ]

    def __str__(self):
        return f"{self.project.code} {self.project.title}"

    def get_absolute_url(self):
        return reverse("projects:competition-detail", args=[self.pk])

    def current_pitches(self):
        """The pitches: while open, the project's open claims; from scoring on, the claims
        that were open when scoring started (fixed then), whatever became of them."""
        if self.status == self.Status.OPEN:
            claims = self.project.claims.open()
        else:
            claims = self.pitches.all()
        return claims.select_related("claimant_unit__region").order_by("created_at", "pk")


class Criterion(models.Model):
    """One scoring criterion of a competition, with its weight and the highest score."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["competition", "order", "pk"]

    def __str__(self):
        return self.name


class ScoreSheet(models.Model):
    """One panel member's scores for one pitch, with the member's comment."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="sheets",
    )
    claim = models.ForeignKey(
        Claim, verbose_name=_("pitch"), on_delete=models.CASCADE, related_name="competition_sheets"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("panel member"),
        on_delete=models.PROTECT,
        related_name="competition_sheets",
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["competition", "claim", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "claim", "member"], name="projects_sheet_one_per_member"
            )
        ]

    def __str__(self):
        return f"{self.claim} · {self.member}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet", "criterion__order", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"], name="projects_score_one_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


# 派单: the city admin runs the assignment engine on the unclaimed projects, edits, confirms.


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
        Project, verbose_name=_("projects"), related_name="assignment_runs"
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
        return _("Dispatch run #%(number)s") % {"number": self.pk}

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
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
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
