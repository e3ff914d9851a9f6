"""评榜提质 evaluation (F6.1): a round of nominations, its panel, the score sheets of the five
criteria and the published top ten (十佳改革项目)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.roles import Role
from jiebang.core.scoping import user_scope
from jiebang.core.transitions import StatusMachine
from jiebang.core.uploads import check_upload
from jiebang.projects.models import Project

from . import ranking


class Criterion(models.TextChoices):
    """The five criteria of seeds/000, in their fixed order."""

    INNOVATION = "innovation", _("Innovation leadership")
    EFFECTIVENESS = "effectiveness", _("Practical effectiveness")
    REPLICABILITY = "replicability", _("Replicability")
    RECOGNITION = "recognition", _("Social recognition")
    STANDARDISATION = "standardisation", _("Institutional soundness")


# Criterion code → its Chinese name, the name `jiebang rank` and ranking.py use.
CRITERION_NAMES = dict(zip(Criterion.values, ranking.CRITERIA, strict=True))
CODE_OF_NAME = {name: code for code, name in CRITERION_NAMES.items()}
DEFAULT_WEIGHTS = {
    "innovation": 20,
    "effectiveness": 30,
    "replicability": 20,
    "recognition": 15,
    "standardisation": 15,
}
SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def _weight_field(code: str):
    return models.DecimalField(
        Criterion(code).label,
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_WEIGHTS[code],
        validators=[MinValueValidator(0)],
    )


def _is_city(user) -> bool:
    return user_scope(user).is_city


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A round is a city-wide call: city staff, county bureaus and units see every round;
        a panel member or expert the rounds on whose panel they sit."""
        scope = user_scope(user)
        if scope.is_city or scope.region_path or scope.unit_id:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(members__user=user.pk).distinct()


class EvaluationRound(StatusMachine, models.Model):
    """One evaluation (评选): units nominate, the admin screens, the panel is drawn and scores,
    the admin closes scoring and publishes the top ten."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("Open for nominations")
        SCORING = "scoring", _("Scoring")
        CLOSED = "closed", _("Scoring closed")
        PUBLISHED = "published", _("Top ten published")

    S = Status
    TRANSITIONS = {
        S.NOMINATING: {S.SCORING},
        S.SCORING: {S.CLOSED},
        S.CLOSED: {S.PUBLISHED},
        S.PUBLISHED: set(),
    }
    OVER = (S.CLOSED, S.PUBLISHED)
    del S
    transition_error = _("An evaluation round cannot move from “%(old)s” to “%(new)s”.")

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The year of the top-ten recognition (assessment points).")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOMINATING
    )
    nomination_deadline = models.DateField(_("nomination deadline"), null=True, blank=True)
    scoring_deadline = models.DateField(_("scoring deadline"), null=True, blank=True)
    admits_in_progress = models.BooleanField(
        _("admit projects still in progress"),
        default=False,
        help_text=_(
            "Normally only completed projects can be nominated; tick to admit projects in "
            "progress with results to show."
        ),
    )
    weight_innovation = _weight_field("innovation")
    weight_effectiveness = _weight_field("effectiveness")
    weight_replicability = _weight_field("replicability")
    weight_recognition = _weight_field("recognition")
    weight_standardisation = _weight_field("standardisation")
    raters_per_nomination = models.PositiveSmallIntegerField(
        _("raters per nomination"), null=True, blank=True
    )
    drawn_at = models.DateTimeField(_("panel drawn at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("scoring closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("top ten published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:round-detail", args=[self.pk])

    def weights(self) -> dict[str, Decimal]:
        """Criterion code → weight, as the admin set it."""
        return {code: getattr(self, f"weight_{code}") for code in Criterion.values}

    def weight_rows(self) -> list[tuple]:
        """(criterion label, weight, share of the total in %) in the fixed order."""
        weights = self.weights()
        total = sum(weights.values(), Decimal(0))
        return [
            (Criterion(code).label, w, (100 * w / total) if total else None)
            for code, w in weights.items()
        ]

    @property
    def is_over(self) -> bool:
        return self.status in self.OVER


def validate_evidence(upload) -> None:
    """Documents and images the panel can open, up to 10 MB."""
    check_upload(upload, ("pdf", "docx", "doc", "jpg", "jpeg", "png", "xlsx"))


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every nomination; a county bureau those of projects in its county or
        nominated by a unit in it; a unit those of its projects or that it nominated; a panel
        member or expert those drawn for them to score."""
        scope = user_scope(user)
        if scope.is_city:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        projects = Project.objects.implemented_visible_to(user).values("pk")
        if scope.region_path:
            return self.filter(
                Q(project__in=projects)
                | Q(nominating_unit__region__path__startswith=scope.region_path)
            )
        if scope.unit_id:
            return self.filter(Q(project__in=projects) | Q(nominating_unit=scope.unit_id))
        if user.role in (Role.PANEL, Role.EXPERT):
            return self.filter(pk__in=ScoreSheet.objects.filter(rater=user.pk).values("nomination"))
        return self.none()


class Nomination(models.Model):
    """推荐申报: a project put forward for the round with its case write-up and evidence."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting screening")
        ACCEPTED = "accepted", _("Admitted to review")
        REJECTED = "rejected", _("Not admitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE = (Status.SUBMITTED, Status.ACCEPTED)

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nominating_unit = models.ForeignKey(
        "orgs.Institution",
        verbose_name=_("nominating unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    write_up = models.TextField(
        _("case write-up"),
        help_text=_("What was done, what changed for patients, with figures."),
    )
    evidence = models.FileField(
        _("evidence"), upload_to="nominations/", blank=True, validators=[validate_evidence]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    screening_note = models.TextField(_("screening note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["round", "pk"]
        constraints = [
            # A project is nominated once per round (a rejected or withdrawn one may come
            # again); nominate() checks it first for a message.
            models.UniqueConstraint(
                fields=["round", "project"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="evaluation_nomination_once_per_round",
            )
        ]

    def __str__(self):
        return f"{self.project.code} {self.project.title}"

    def get_absolute_url(self):
        return reverse("evaluation:nomination-detail", args=[self.pk])


class Verification(models.Model):
    """场景化验证: the on-site check of what a nomination claims."""

    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed on site")
        MOSTLY = "mostly", _("Mostly confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")

    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="verification",
    )
    visited_on = models.DateField(_("visited on"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    findings = models.TextField(_("on-site findings"))
    verdict = models.CharField(_("verification verdict"), max_length=20, choices=Verdict.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("on-site verification")
        verbose_name_plural = _("on-site verifications")

    def __str__(self):
        return f"{self.nomination} · {self.visited_on}"


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see every panel membership; a member their own."""
        if _is_city(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user.pk)


class PanelMember(models.Model):
    """A seat on a round's panel (评审团): an expert, a media representative or a public
    supervisor (两代表一委员, 群众监督员)."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("Expert")
        MEDIA = "media", _("Media representative")
        PUBLIC = "public", _("Public supervisor")

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("panel member"),
        on_delete=models.PROTECT,
        related_name="evaluation_seats",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    affiliation = models.CharField(
        _("affiliation"),
        max_length=100,
        blank=True,
        help_text=_(
            "E.g. the newspaper, or a people's congress deputy; the institution comes from "
            "the account."
        ),
    )
    drawn_at = models.DateTimeField(_("sheets drawn at"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["round", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="evaluation_member_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class SheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Blind review: a rater sees only their own sheets; city staff see every sheet (the
        live ranking is the city's, as in 竞技比武); nobody else sees any."""
        if _is_city(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(rater=user.pk)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class ScoreSheet(models.Model):
    """One rater's scores (0–100) of one nomination on the five criteria, drawn blank and
    filled in by the rater (on the page or from an Excel sheet)."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="sheets",
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="sheets"
    )
    member = models.ForeignKey(
        PanelMember, verbose_name=_("panel member"), on_delete=models.CASCADE, related_name="sheets"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.PROTECT,
        related_name="evaluation_sheets",
    )
    innovation = models.DecimalField(
        Criterion.INNOVATION.label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    effectiveness = models.DecimalField(
        Criterion.EFFECTIVENESS.label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    replicability = models.DecimalField(
        Criterion.REPLICABILITY.label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    recognition = models.DecimalField(
        Criterion.RECOGNITION.label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    standardisation = models.DecimalField(
        Criterion.STANDARDISATION.label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["round", "nomination", "member"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "rater"], name="evaluation_sheet_once")
        ]
        # The work queue and the progress counts look up a rater's open sheets per round.
        indexes = [models.Index(fields=["rater", "round", "submitted_at"])]

    def __str__(self):
        return f"{self.nomination} · {self.rater}"

    def get_absolute_url(self):
        return reverse("evaluation:score-sheet", args=[self.pk])

    def scores(self) -> dict[str, Decimal | None]:
        """Criterion code → score (None while blank)."""
        return {code: getattr(self, code) for code in Criterion.values}

    def score_rows(self) -> list[tuple]:
        return [(Criterion(code).label, value) for code, value in self.scores().items()]


class TopTenEntry(models.Model):
    """One of the round's published ten best (十佳改革项目), with its place and citation."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="top_ten",
    )
    nomination = models.OneToOneField(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="honour"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    citation = models.TextField(
        _("citation"), help_text=_("Why the project is among the ten best, for the public page.")
    )
    recognition = models.ForeignKey(
        "assessment.Recognition",
        verbose_name=_("recognition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("top-ten project")
        verbose_name_plural = _("top-ten projects")
        ordering = ["round", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "rank"], name="evaluation_top_ten_rank_once")
        ]

    def __str__(self):
        return f"{self.rank}. {self.nomination}"
