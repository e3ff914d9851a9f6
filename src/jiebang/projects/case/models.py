"""绿色通道/直报 (一事一议): the cross-department cases units raise to the task force."""

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
from jiebang.orgs.models import Institution

from ..project.models import Project

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
