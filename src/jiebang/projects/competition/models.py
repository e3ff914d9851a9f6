"""竞技比武: several units claim one open project; a panel scores each pitch at a roadshow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import user_scope
from jiebang.core.transitions import StatusMachine


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
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="competitions",
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
        "projects.Claim", verbose_name=_("pitches"), blank=True, related_name="competitions"
    )
    winner = models.ForeignKey(
        "projects.Claim",
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
        "projects.Claim",
        verbose_name=_("pitch"),
        on_delete=models.CASCADE,
        related_name="competition_sheets",
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
