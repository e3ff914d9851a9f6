"""Stage 4 揭榜明责: responsibility letters (责任书), the two task forces (双专班) with their weekly
minutes and the monthly progress showing (月进度晾晒), and the overdue loop: interview (约谈) →
rectification (整改) → acceptance (验收)."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import user_scope
from jiebang.core.transitions import require_transition
from jiebang.orgs.models import Institution
from jiebang.projects.models import Project


class ProjectScopedQuerySet(models.QuerySet):
    """Rows that belong to a project, scoped like the project's own stage-4 work: city staff
    see all; a county bureau the projects whose implementing unit or region lies in its county;
    a unit the projects it implements (not every published one)."""

    project_field = "project"

    def visible_to(self, user):
        scope = user_scope(user)
        if scope.is_city:
            return self
        p = self.project_field
        if scope.region_path:
            return self.filter(
                Q(**{f"{p}__implementing_unit__region__path__startswith": scope.region_path})
                | Q(**{f"{p}__region__path__startswith": scope.region_path})
            )
        if scope.unit_id:
            return self.filter(**{f"{p}__implementing_unit": scope.unit_id})
        return self.none()


def stage_projects_visible_to(user):
    """The projects of stage 4 a user works on (the same scope as ProjectScopedQuerySet)."""
    scope = user_scope(user)
    projects = Project.objects.all()
    if scope.is_city:
        return projects
    if scope.region_path:
        return projects.filter(
            Q(implementing_unit__region__path__startswith=scope.region_path)
            | Q(region__path__startswith=scope.region_path)
        )
    if scope.unit_id:
        return projects.filter(implementing_unit=scope.unit_id)
    return projects.none()


# Uploads: signed scans of letters, rectification reports and acceptance evidence.

SCAN_TYPES = ("pdf", "jpg", "jpeg", "png")
EVIDENCE_TYPES = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xlsx")
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# The first bytes of the types whose content we can recognise; a renamed file is refused.
MAGIC = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
}


def check_upload(upload, types=EVIDENCE_TYPES) -> None:
    """ValidationError naming the file unless its extension is one of `types`, its first
    bytes match that type and it is at most 10 MB."""
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in types:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type; use one of: %(types)s.")
            % {"name": name, "types": ", ".join(types)},
            code="file_type",
        )
    if upload.size > UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": name, "limit": UPLOAD_MAX_BYTES // 1024 // 1024},
            code="file_size",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not head.startswith(MAGIC[extension]):
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file.")
            % {"name": name, "type": extension.upper()},
            code="file_content",
        )


def validate_scan(upload) -> None:
    check_upload(upload, SCAN_TYPES)


def validate_evidence(upload) -> None:
    check_upload(upload, EVIDENCE_TYPES)


class ResponsibilityLetter(models.Model):
    """责任书: generated from a claimed or assigned project as a frozen snapshot (`content`); the
    unit head confirms one version, which is then kept unchanged for good."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("letter status", "Draft")
        CONFIRMED = "confirmed", pgettext_lazy("letter status", "Confirmed")
        SUPERSEDED = "superseded", _("Superseded")

    S = Status
    TRANSITIONS = {
        S.DRAFT: {S.CONFIRMED, S.SUPERSEDED},
        S.CONFIRMED: {S.SUPERSEDED},
        S.SUPERSEDED: set(),
    }
    del S

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="letters"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Everything the letter says, frozen when generated: later project edits never reach it.
    content = models.JSONField(_("content"), editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    signed_scan = models.FileField(
        _("signed scan"), upload_to="letters/", blank=True, validators=[validate_scan]
    )
    signed_on_site = models.BooleanField(_("signed on site"), default=False)
    event_name = models.CharField(_("event"), max_length=200, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"], name="accountability_letter_version"
            ),
            # One confirmed letter per project; confirm_letter supersedes the older one first.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="confirmed"),
                name="accountability_letter_one_confirmed",
            ),
        ]
        # The letters list filters by status.
        indexes = [models.Index(fields=["status", "generated_at"])]

    def __str__(self):
        return f"{self.project.code} · v{self.version}"

    def get_absolute_url(self):
        return reverse("accountability:letter-detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT or self.confirmed_at is not None

    def move_to(self, status, *, by) -> None:
        require_transition(self, status, _("A letter cannot move from “%(old)s” to “%(new)s”."))
        self.status = status
        self._history_user = by


class TaskForce(models.Model):
    """双专班: per project, the city guidance group and the unit's own working group."""

    class Kind(models.TextChoices):
        CITY = "city", _("City guidance group")
        UNIT = "unit", _("Unit working group")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="task_forces"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    history = HistoricalRecords()

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="accountability_one_group")
        ]

    def __str__(self):
        return f"{self.project.code} · {self.get_kind_display()}"


class TaskForceMember(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Group leader")
        DEPUTY = "deputy", _("Deputy group leader")
        MEMBER = "member", _("Group member")
        LIAISON = "liaison", _("Liaison")

    ROLE_ORDER = {Role.LEADER: 0, Role.DEPUTY: 1, Role.MEMBER: 2, Role.LIAISON: 3}

    task_force = models.ForeignKey(
        TaskForce, verbose_name=_("task force"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_force_memberships",
    )
    # For members without an account (another department's officer, an outside expert).
    name = models.CharField(_("name"), max_length=60, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    role = models.CharField(_("role in group"), max_length=10, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        ordering = ["task_force", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(user=None) | ~Q(name=""), name="accountability_member_named"
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id else self.name


class Meeting(models.Model):
    """周例会会商: the minutes of one weekly meeting of a project's task force."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="meetings"
    )
    task_force = models.ForeignKey(
        TaskForce,
        verbose_name=_("task force"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    date = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"))
    decisions = models.TextField(_("decisions"))
    # Each follow-up became a ledger task; the link stays so the minutes show their progress.
    follow_ups = models.ManyToManyField(
        "ledger.Task", verbose_name=_("follow-ups"), blank=True, related_name="meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting minutes")
        verbose_name_plural = _("meeting minutes")
        ordering = ["-date", "-pk"]
        # The project page lists its minutes newest first.
        indexes = [models.Index(fields=["project", "date"])]

    def __str__(self):
        return f"{self.project.code} · {self.date:%Y-%m-%d}"


class MonthlyShowing(models.Model):
    """月进度晾晒: the progress of every stage-4 project as it stood in one month."""

    month = models.DateField(_("month"), unique=True)  # the first day of the month
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly progress showing")
        verbose_name_plural = _("monthly progress showings")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class ShowingRow(models.Model):
    """One project in a monthly showing; rows are only ever replaced with their showing."""

    showing = models.ForeignKey(
        MonthlyShowing, verbose_name=_("showing"), on_delete=models.CASCADE, related_name="rows"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="showing_rows"
    )
    progress = models.FloatField(_("progress"))
    overdue_count = models.PositiveIntegerField(_("overdue tasks"))
    status = models.CharField(_("status"), max_length=20, choices=Project.Status.choices)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("showing row")
        verbose_name_plural = _("showing rows")
        ordering = ["showing", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["showing", "project"], name="accountability_one_row_per_project"
            )
        ]

    def __str__(self):
        return f"{self.showing} · {self.project_id}"


class InterviewQuerySet(ProjectScopedQuerySet):
    def open(self):
        return self.exclude(rectification__status=Rectification.Status.ACCEPTED)


class Interview(models.Model):
    """约谈: the task force talks to the responsible people of a unit about overdue tasks and
    sets a rectification deadline."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="interviews"
    )
    unit = models.ForeignKey(
        Institution, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="interviews"
    )
    tasks = models.ManyToManyField(
        "ledger.Task", verbose_name=_("overdue tasks"), related_name="interviews"
    )
    interviewees = models.CharField(_("interviewed"), max_length=200)
    interviewers = models.CharField(_("interviewers"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    findings = models.TextField(_("findings"))
    rectification_deadline = models.DateField(_("rectification deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_at", "-pk"]
        # The escalation page counts interviews per unit.
        indexes = [models.Index(fields=["unit", "held_at"])]

    def __str__(self):
        return f"{self.project.code} · {self.held_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("accountability:interview-detail", args=[self.pk])


class Rectification(models.Model):
    """整改 after an interview: the unit reports with evidence; the task force accepts (验收),
    which closes the loop, or returns it with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification status", "Open")
        SUBMITTED = "submitted", pgettext_lazy("rectification status", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("rectification status", "Accepted")
        RETURNED = "returned", pgettext_lazy("rectification status", "Returned")

    S = Status
    TRANSITIONS = {
        S.OPEN: {S.SUBMITTED},
        S.SUBMITTED: {S.ACCEPTED, S.RETURNED},
        S.RETURNED: {S.SUBMITTED},
        S.ACCEPTED: set(),
    }
    del S

    interview = models.OneToOneField(
        Interview,
        verbose_name=_("interview"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    report = models.TextField(_("rectification report"), blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to="rectifications/", blank=True, validators=[validate_evidence]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    acceptance_evidence = models.FileField(
        _("acceptance evidence"),
        upload_to="acceptances/",
        blank=True,
        validators=[validate_evidence],
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        # The interviews list filters by rectification status.
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return str(self.interview)

    @property
    def is_late(self) -> bool:
        """Not accepted and the deadline passed (local date)."""
        return (
            self.status != self.Status.ACCEPTED
            and self.interview.rectification_deadline < timezone.localdate()
        )

    def move_to(self, status, *, by) -> None:
        require_transition(
            self, status, _("A rectification cannot move from “%(old)s” to “%(new)s”.")
        )
        self.status = status
        self._history_user = by
