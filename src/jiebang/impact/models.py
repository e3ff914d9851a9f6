"""Stage 6 spread and effect (F6.2–F6.4).

- Promotion (四步工作法): an excellent project taken through 调研诊断 → 试点验证 → 经验凝练 →
  全域推广, each step with its owner, planned and actual dates, outputs (text and files) and a
  status; a step starts only once the one before it is finished.
- Adoption (复制推广): another institution takes up the project's model; its own monthly
  values of the source project's indicators (the same definitions, so the spread is measured
  on one yardstick) show whether the model works there too.
- Intervention: the date from which a project's effect is measured, when the city sets one
  other than the project's start date (effect.py measures before/after it).
- Policy documents (制度化) whose articles name the projects they came from, and reach
  records (示范辐射): media reports, conference speeches, visiting delegations.

Promotions, steps and interventions are seen with their project (the stage 4–6 scope,
Project.objects.implemented_visible_to); an adoption also by its adopting institution;
policy documents and reach records are the city's and open to every role allowed to read them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.permissions import can
from jiebang.core.scoping import user_scope
from jiebang.core.transitions import StatusMachine
from jiebang.core.uploads import check_upload
from jiebang.orgs.models import Institution
from jiebang.projects.models import CarriedQuerySet, Indicator, Project

OUTPUT_TYPES = ("pdf", "docx", "doc", "xlsx", "xls", "jpg", "jpeg", "png")
POLICY_TYPES = ("pdf", "docx", "doc")


def validate_output(upload) -> None:
    """A step's output file: documents, workbooks and images up to 10 MB whose content
    matches their extension (the ledger's evidence check, with Word documents added)."""
    check_upload(upload, OUTPUT_TYPES)


def validate_policy_file(upload) -> None:
    """A policy document's text: PDF or Word, up to 10 MB, content matching the extension."""
    check_upload(upload, POLICY_TYPES)


class PromotionQuerySet(CarriedQuerySet):
    def active(self):
        return self.filter(status=Promotion.Status.ACTIVE)


class Promotion(StatusMachine, models.Model):
    """The four-step promotion (四步工作法) of one excellent project's model."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Under way")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Stopped")

    S = Status
    TRANSITIONS = {S.ACTIVE: {S.COMPLETED, S.CLOSED}, S.COMPLETED: set(), S.CLOSED: set()}
    del S
    transition_error = _("A promotion cannot move from “%(old)s” to “%(new)s”.")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="promotions"
    )
    title = models.CharField(_("model name"), max_length=200)
    summary = models.TextField(_("key points of the model"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    close_reason = models.TextField(_("reason for stopping"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = PromotionQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One promotion under way per project; start_promotion checks it for a message.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="active"),
                name="impact_one_active_promotion",
            )
        ]

    def __str__(self):
        return f"{self.project.code} · {self.title}"

    def get_absolute_url(self):
        return reverse("impact:promotion-detail", args=[self.pk])


class StepQuerySet(CarriedQuerySet):
    project_field = "promotion__project"


class Step(StatusMachine, models.Model):
    """One of the four steps of a promotion, in order."""

    class Kind(models.TextChoices):
        RESEARCH = "research", _("Research and diagnosis")
        PILOT = "pilot", _("Pilot verification")
        DISTIL = "distil", _("Distilling the experience")
        ROLLOUT = "rollout", _("City-wide rollout")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Finished")

    S = Status
    TRANSITIONS = {S.NOT_STARTED: {S.IN_PROGRESS}, S.IN_PROGRESS: {S.DONE}, S.DONE: set()}
    del S
    transition_error = _("A step cannot move from “%(old)s” to “%(new)s”.")
    ORDER = [Kind.RESEARCH, Kind.PILOT, Kind.DISTIL, Kind.ROLLOUT]

    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promotion_steps",
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finished by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion step")
        verbose_name_plural = _("promotion steps")
        ordering = ["promotion", "order"]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "kind"], name="impact_one_step_per_kind"),
            models.UniqueConstraint(fields=["promotion", "order"], name="impact_step_order"),
        ]
        # 我的待办: the steps an owner has still to finish, by planned end.
        indexes = [models.Index(fields=["owner", "status", "planned_end"])]

    def __str__(self):
        return f"{self.promotion} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return f"{self.promotion.get_absolute_url()}#step-{self.pk}"

    @property
    def project(self) -> Project:
        return self.promotion.project

    def is_late(self, today=None) -> bool:
        """Not finished although its planned end has passed."""
        today = today or timezone.localdate()
        return bool(
            self.status != self.Status.DONE and self.planned_end and self.planned_end < today
        )


class StepFileQuerySet(CarriedQuerySet):
    project_field = "step__promotion__project"


class StepFile(models.Model):
    """A file among a step's outputs (served only to those who see the step)."""

    step = models.ForeignKey(
        Step, verbose_name=_("promotion step"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to="impact/%Y/%m/", validators=[validate_output])
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = StepFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("output file")
        verbose_name_plural = _("output files")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("impact:step-file", args=[self.pk])


class AdoptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An adoption is seen with its source project (Project.objects.implemented_visible_to)
        and by whoever sees the adopting institution (Institution.objects.visible_to: its
        county's bureau, its own users)."""
        if user_scope(user).is_city:
            return self
        projects = Project.objects.implemented_visible_to(user).values("pk")
        institutions = Institution.objects.visible_to(user).values("pk")
        return self.filter(Q(promotion__project__in=projects) | Q(institution__in=institutions))


class Adoption(models.Model):
    """Another institution takes up a promoted project's model (复制推广)."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        RUNNING = "running", _("In use")
        STOPPED = "stopped", _("Stopped")

    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), on_delete=models.CASCADE, related_name="adoptions"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("adopting institution"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    adopted_on = models.DateField(
        _("date adopted"),
        help_text=_("The day the model went live there: its effect is measured from this day."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["promotion", "adopted_on", "pk"]
        constraints = [
            # An institution adopts a model once; add_adoption checks it for a message.
            models.UniqueConstraint(
                fields=["promotion", "institution"], name="impact_one_adoption_per_institution"
            )
        ]

    def __str__(self):
        return f"{self.institution} · {self.promotion.title}"

    def get_absolute_url(self):
        return reverse("impact:adoption-detail", args=[self.pk])

    @property
    def project(self) -> Project:
        return self.promotion.project


class AdoptionValue(models.Model):
    """An adopting institution's monthly value of one of the source project's indicators."""

    adoption = models.ForeignKey(
        Adoption, verbose_name=_("adoption"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="adoption_values",
    )
    period = models.DateField(_("month"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("data source"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adoption value")
        verbose_name_plural = _("adoption values")
        ordering = ["adoption", "indicator", "period"]
        constraints = [
            # One value per month and indicator; recording the month again corrects it.
            models.UniqueConstraint(
                fields=["adoption", "indicator", "period"], name="impact_one_value_per_month"
            )
        ]

    def __str__(self):
        return f"{self.adoption.institution} · {self.indicator} · {self.period:%Y-%m}"

    @property
    def project(self) -> Project:
        return self.adoption.promotion.project


class Intervention(models.Model):
    """The date from which a project's effect is measured, when the city sets one other than
    the project's start date (the day a new process actually went live), with the reason."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="intervention"
    )
    date = models.DateField(_("intervention date"))
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    history = HistoricalRecords()

    objects = CarriedQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention date")
        verbose_name_plural = _("intervention dates")

    def __str__(self):
        return f"{self.project.code} · {self.date}"


class OpenToReadersQuerySet(models.QuerySet):
    """The city's own records: everyone allowed to read them sees them all, others none."""

    read_perm = ""

    def visible_to(self, user):
        return self if can(user, self.read_perm) else self.none()


class PolicyQuerySet(OpenToReadersQuerySet):
    read_perm = "impact.view_policies"


class PolicyDocument(models.Model):
    """A policy document the commission issued from the projects' experience (制度化)."""

    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("date issued"))
    issuer = models.CharField(_("issued by"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(
        _("document file"),
        upload_to="impact/policies/%Y/",
        blank=True,
        validators=[validate_policy_file],
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("impact:policy-detail", args=[self.pk])


class ArticleQuerySet(OpenToReadersQuerySet):
    read_perm = "impact.view_policies"


class PolicyArticle(models.Model):
    """One article (条) of a policy document, with the projects it came from."""

    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("policy document"),
        on_delete=models.CASCADE,
        related_name="articles",
    )
    number = models.PositiveSmallIntegerField(_("article number"))
    text = models.TextField(_("text"))
    projects = models.ManyToManyField(
        Project, verbose_name=_("source projects"), blank=True, related_name="policy_articles"
    )
    history = HistoricalRecords(m2m_fields=[projects])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy article")
        verbose_name_plural = _("policy articles")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="impact_article_number")
        ]

    def __str__(self):
        return f"{self.document} · {self.number}"

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#article-{self.number}"


class ReachQuerySet(OpenToReadersQuerySet):
    read_perm = "impact.view_reach"


class ReachRecord(models.Model):
    """One sign of the programme's reach (示范辐射): a media report, a speech at a conference
    or a visiting delegation, dated and linked to the projects it was about."""

    class Kind(models.TextChoices):
        MEDIA = "media", _("Media report")
        SPEECH = "speech", _("Conference speech")
        DELEGATION = "delegation", _("Visiting delegation")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    outlet = models.CharField(
        _("outlet, meeting or visitors"),
        max_length=200,
        help_text=_(
            "The medium of a report, the meeting of a speech, or where a delegation came from."
        ),
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.PROVINCIAL
    )
    visitors = models.PositiveIntegerField(
        _("number of visitors"), null=True, blank=True, help_text=_("For delegations.")
    )
    note = models.TextField(_("note"), blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), blank=True, related_name="reach_records"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[projects])

    objects = ReachQuerySet.as_manager()

    class Meta:
        verbose_name = _("reach record")
        verbose_name_plural = _("reach records")
        ordering = ["-date", "-pk"]
        # The list filters by kind and period, newest first; reach_counts groups by both.
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self):
        return self.title
