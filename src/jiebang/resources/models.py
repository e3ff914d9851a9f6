"""Stage 3 resource pool (资源赋能, F3.3): the expert think tank (专家智库, “聊智哺乡”) with the
advice its experts give to projects, and the training and outreach events (兴聊号直通车:
training + free clinics) that bring them to the counties."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.permissions import can
from jiebang.core.scoping import ScopedQuerySet, user_scope
from jiebang.needs.importing import mask_phone
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Project


class TagsEncoder(DjangoJSONEncoder):
    """Tags stored as written (“胸痛”, not “\\u80f8\\u75db”), so that a JSON-as-text filter
    finds them alike on SQLite and PostgreSQL."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def tag_filter(field: str, tag: str) -> Q:
    """Rows whose JSON list `field` holds `tag` exactly (the quotes rule out partial words)."""
    return Q(**{f"{field}__icontains": f'"{tag}"'})


class ExpertQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The think tank serves the whole city: everyone who may open the directory sees
        every expert (contact data is masked in the pages); anyone else nobody."""
        if can(user, "resources.view_experts"):
            return self
        return self.none()

    def with_tag(self, tag: str):
        return self.filter(tag_filter("specialties", tag))


class Expert(models.Model):
    """An expert of the think tank: specialties, home institution, availability."""

    class Title(models.TextChoices):
        CHIEF_PHYSICIAN = "chief_physician", _("Chief physician")
        ASSOCIATE_CHIEF_PHYSICIAN = "associate_chief_physician", _("Associate chief physician")
        ATTENDING_PHYSICIAN = "attending_physician", _("Attending physician")
        PROFESSOR = "professor", _("Professor")
        ASSOCIATE_PROFESSOR = "associate_professor", _("Associate professor")
        RESEARCHER = "researcher", _("Research fellow")
        CHIEF_PHARMACIST = "chief_pharmacist", _("Chief pharmacist")
        CHIEF_NURSE = "chief_nurse", _("Chief nurse")
        SENIOR_ENGINEER = "senior_engineer", _("Senior engineer")

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        LIMITED = "limited", _("Limited")
        UNAVAILABLE = "unavailable", _("Unavailable")

    name = models.CharField(_("name"), max_length=60)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
        help_text=_("The expert's own account (role expert), to record advice."),
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="experts",
    )
    affiliation = models.CharField(
        _("affiliation outside the city"),
        max_length=100,
        blank=True,
        help_text=_("Where an expert from Liaocheng working elsewhere practises."),
    )
    title = models.CharField(_("professional title"), max_length=30, choices=Title.choices)
    specialties = models.JSONField(_("specialties"), default=list, blank=True, encoder=TagsEncoder)
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    availability_note = models.CharField(_("availability note"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "pk"]
        # The directory filters by availability and institution.
        indexes = [models.Index(fields=["availability", "institution"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:expert-detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ProjectExpert(models.Model):
    """An expert the city assigned to guide a project (业务指导)."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="assigned_experts",
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="assignments"
    )
    score = models.DecimalField(_("match score"), max_digits=6, decimal_places=2, default=0)
    reasons = models.TextField(_("reasons"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project expert")
        verbose_name_plural = _("project experts")
        ordering = ["project", "assigned_at", "pk"]
        constraints = [
            # An expert is assigned to a project once; assign_expert checks it for a message.
            models.UniqueConstraint(fields=["project", "expert"], name="resources_one_assignment")
        ]

    def __str__(self):
        return f"{self.project.code} · {self.expert}"


class AdviceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City staff see all advice; a county bureau the advice on its county's projects;
        a unit the advice on the projects it implements; an expert the advice they gave."""
        if user_scope(user).is_city:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        projects = Project.objects.implemented_visible_to(user).values("pk")
        return self.filter(Q(expert__user=user) | Q(project__in=projects))


class Advice(models.Model):
    """One piece of advice an expert gave a project: what kind, when, what was said."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation and guidance")
        ON_SITE = "on_site", _("On-site support")
        PLAN_REVIEW = "plan_review", _("Plan review")
        TRAINING = "training", _("Training and lectures")

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="advice"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="advice"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    content = models.TextField(_("advice content"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = AdviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("advice")
        verbose_name_plural = _("advice records")
        ordering = ["-date", "-pk"]
        # The expert page and the project page list advice newest first.
        indexes = [
            models.Index(fields=["expert", "date"]),
            models.Index(fields=["project", "date"]),
        ]

    def __str__(self):
        return f"{self.expert} · {self.project.code} · {self.date}"


class OutreachEventQuerySet(ScopedQuerySet):
    """City staff see every event; a county bureau the events held in its county; a unit the
    events it attended (one attendance row per institution, so no duplicates)."""

    region_path_field = "region__path"
    unit_field = "attendance__institution"


class OutreachEvent(models.Model):
    """兴聊号直通车: experts go to a county to train village doctors and hold a free clinic."""

    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="outreach_events"
    )
    place = models.CharField(_("place"), max_length=200)
    experts = models.ManyToManyField(
        Expert, verbose_name=_("experts"), blank=True, related_name="outreach_events"
    )
    free_clinic_count = models.PositiveIntegerField(_("people seen at the free clinic"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[experts])

    objects = OutreachEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-date", "-pk"]
        # The event list filters by period, newest first.
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:event-detail", args=[self.pk])


class Attendance(models.Model):
    """How many people of one institution attended an event, and how many were village
    doctors (乡村医生)."""

    event = models.ForeignKey(
        OutreachEvent,
        verbose_name=_("outreach event"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="outreach_attendance",
    )
    attendees = models.PositiveIntegerField(_("number of attendees"))
    village_doctors = models.PositiveIntegerField(_("of whom village doctors"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["event", "pk"]
        constraints = [
            # One row per institution and event; the form merges nothing silently.
            models.UniqueConstraint(
                fields=["event", "institution"], name="resources_attendance_one_per_institution"
            ),
            models.CheckConstraint(
                condition=Q(village_doctors__lte=models.F("attendees")),
                name="resources_attendance_doctors_within_attendees",
            ),
        ]

    def __str__(self):
        return f"{self.event} · {self.institution}"
