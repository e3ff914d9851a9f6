"""点单: a unit's claim on a published open project, with its plan and attachment."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jiebang.core.scoping import user_scope
from jiebang.core.transitions import StatusMachine
from jiebang.core.uploads import check_upload
from jiebang.orgs.models import Institution

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
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="claims",
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
        return any(c.status in c.ACTIVE_STATUSES for c in self.project.competitions.all())
