"""Stage 1 征榜问需: feedback items, categories, clusters, proposals and the reserve pool."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.models import JobRecord
from jiebang.core.scoping import ScopedQuerySet, user_scope
from jiebang.orgs.models import Institution, Region


class Category(models.Model):
    """A problem category of the taxonomy (admin-editable; seeded with nine)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345 hotline")
    ONLINE = "online", _("Online column")
    SURVEY = "survey", _("Field survey")
    QR = "qr", _("QR code")
    OFFICER = "officer", _("Experience officer")
    OPEN311 = "open311", _("Partner system (Open311)")


class Cluster(models.Model):
    """A group of near-duplicate feedback items: the same complaint re-filed or lightly edited."""

    representative = models.TextField(_("representative text"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    size = models.PositiveIntegerField(_("items"), default=0)
    first_seen = models.DateTimeField(_("first seen"), null=True)
    last_seen = models.DateTimeField(_("last seen"), null=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["-size", "-last_seen"]

    def __str__(self):
        return self.representative[:40]


class ImportBatch(JobRecord):
    """One uploaded hotline export: what was accepted, skipped as duplicate, or rejected."""

    file_name = models.CharField(_("file name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    accepted = models.PositiveIntegerField(_("imported"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rejects = models.JSONField(_("rejected rows"), default=list, blank=True)
    stored_file = models.CharField(max_length=300, blank=True, editable=False)
    mapping = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("needs:import-detail", args=[self.pk])


class FeedbackQuerySet(ScopedQuerySet):
    region_path_field = "region__path"
    unit_field = "institution"


class FeedbackItem(models.Model):
    """One 诉求: a complaint or suggestion from any channel."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # NULL (not "") for items without a number, so the unique key ignores them.
    external_id = models.CharField(  # noqa: DJ001
        _("work order number"), max_length=64, null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"))
    text = models.TextField(_("text"))
    # region is indexed by the composite indexes in Meta. The references from this fact table
    # (hundreds of thousands of rows a year, bulk-loaded) carry no database constraint: a
    # foreign-key trigger per row and reference halves the import speed. Integrity holds by
    # construction — every id comes from a lookup of existing rows, and PROTECT is enforced
    # by Django when someone deletes a region, institution or category.
    region = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        db_constraint=False,
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # never filtered on; one index less on every import
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    caller_name = models.CharField(_("caller"), max_length=60, blank=True)
    caller_phone = models.CharField(_("phone"), max_length=30, blank=True)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["cluster", "batch"])

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-received_at"]
        constraints = [
            # Re-importing a hotline export adds nothing: 工单编号 is the key per channel.
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="feedback_unique_external_id"
            )
        ]
        # The heatmap's county aggregates read these covering indexes only (index-only
        # scans), all time or over a period; they also serve scoping by county, the drill-down
        # from a cell and the newest-first lists. Institution and category keep plain indexes:
        # every index costs time on each imported row.
        indexes = [
            models.Index(fields=["received_at", "category", "region"], name="feedback_period"),
            models.Index(fields=["region", "category", "received_at"], name="feedback_county"),
            # The review queue: low-confidence items nobody has reviewed (a small index).
            models.Index(
                fields=["confidence"],
                name="feedback_review",
                condition=Q(reviewed_at__isnull=True, confidence__lt=0.6),
            ),
        ]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self):
        return reverse("needs:feedback-detail", args=[self.pk])


class CategoryCorrection(models.Model):
    """A staff correction of an item's category; `jiebang train-classifier` learns from these."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="corrections")
    old_category = models.ForeignKey(
        Category, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("category correction")
        verbose_name_plural = _("category corrections")

    def __str__(self):
        return f"{self.old_category} → {self.new_category}"


class ScoringWeights(models.Model):
    """Weights of the expert screening criteria, set by the city admin (one row)."""

    feasibility = models.FloatField(_("feasibility weight"), default=0.4)
    urgency = models.FloatField(_("urgency weight"), default=0.3)
    benefit = models.FloatField(_("social benefit weight"), default=0.3)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring weights")
        verbose_name_plural = _("scoring weights")

    def __str__(self):
        return f"{self.feasibility}/{self.urgency}/{self.benefit}"

    @classmethod
    def current(cls) -> "ScoringWeights":
        """The weights in force: the stored row, or the defaults (unsaved) until the admin
        sets them (services.set_scoring_weights); reading never writes."""
        return cls.objects.order_by("pk").first() or cls()


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProposalQuerySet":
        """City staff see all; a county bureau its county's; experts and practice-panel
        members the proposals assigned to them."""
        scope = user_scope(user)
        if scope.is_city:
            return self
        if not user.is_authenticated:
            return self.none()
        assigned = Q(experts=user) | Q(panel_members=user)
        if scope.region_path:
            assigned |= Q(region__path__startswith=scope.region_path)
        ids = self.filter(assigned).values("pk")
        return self.filter(pk__in=ids)


class Proposal(models.Model):
    """A candidate project drawn from pain-point clusters, screened twice (F1.5)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCREENING = "screening", _("In screening")
        SELECTED = "selected", _("Selected")
        RESERVE = "reserve", _("In the reserve pool")
        UPGRADED = "upgraded", _("Upgraded to key project")

    class ReserveTag(models.TextChoices):
        SHORT_TERM = "short_term", _("Solvable in the short term")
        POLICY = "policy", _("Needs a policy breakthrough")
        TECHNOLOGY = "technology", _("Awaits mature technology")

    TRANSITIONS = {
        Status.DRAFT: {Status.SCREENING},
        Status.SCREENING: {Status.SELECTED, Status.RESERVE},
        Status.RESERVE: {Status.UPGRADED, Status.RESERVE},
        Status.SELECTED: set(),
        Status.UPGRADED: set(),
    }

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty for a city-wide proposal."),
    )
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned experts"),
        blank=True,
        related_name="proposals_to_score",
    )
    panel_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("practice panel members"),
        blank=True,
        related_name="proposals_to_test",
    )
    reserve_tag = models.CharField(
        _("reserve tag"), max_length=12, choices=ReserveTag.choices, blank=True
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[clusters, experts, panel_members])

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("needs:proposal-detail", args=[self.pk])


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )


class ExpertScore(models.Model):
    """An expert's 可行性 / 紧迫性 / 社会效益 scores (1–10) for one proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_scores"
    )
    feasibility = _score_field(_("feasibility"))
    urgency = _score_field(_("urgency"))
    benefit = _score_field(_("social benefit"))
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert score")
        verbose_name_plural = _("expert scores")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "expert"], name="one_score_per_expert")
        ]

    def __str__(self):
        return f"{self.proposal} · {self.expert}"


class PracticeVerdict(models.Model):
    """The practice panel's 落地性测试 verdict on a proposal."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("Feasible in practice")
        CONDITIONAL = "conditional", _("Feasible with conditions")
        FAIL = "fail", _("Not feasible in practice")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="verdicts")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practice_verdicts"
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("practice verdict")
        verbose_name_plural = _("practice verdicts")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="one_verdict_per_member")
        ]

    def __str__(self):
        return f"{self.proposal} · {self.get_verdict_display()}"
