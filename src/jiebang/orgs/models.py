"""The organisation tree: regions, grids, medical groups, institutions and the users in them."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiebang.core.roles import CITY_ROLES, Role
from jiebang.core.scoping import NOTHING, Scope, ScopedQuerySet


class Region(models.Model):
    """An administrative division: 市 → 县/区/市 and zones → 乡镇/街道 → 村."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        DISTRICT = "district", _("District")
        COUNTY_CITY = "county_city", _("County-level city")
        ZONE = "zone", _("Functional zone")
        TOWN = "town", _("Town")
        TOWNSHIP = "township", _("Township")
        STREET = "street", _("Street")
        VILLAGE = "village", _("Village")

    COUNTY_LEVEL = (Kind.COUNTY, Kind.DISTRICT, Kind.COUNTY_CITY, Kind.ZONE)

    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("division code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes, "/3715/371522/371522101/": scoping filters by prefix.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    village_count = models.PositiveIntegerField(_("villages and communities"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def path_regions(self) -> list["Region"]:
        """This region and its ancestors, from the city down (one query)."""
        codes = self.path.strip("/").split("/")
        return sorted(Region.objects.filter(code__in=codes), key=lambda r: len(r.path))

    @property
    def county(self):
        """The county-level division this region lies in (itself if county-level)."""
        region = self
        while region is not None and region.kind not in self.COUNTY_LEVEL:
            region = region.parent
        return region


class InstitutionQuerySet(ScopedQuerySet):
    region_path_field = "region__path"
    unit_field = "pk"


class Institution(models.Model):
    """A hospital, health centre, CDC, bureau … with its place in the tree and its grid."""

    class Kind(models.TextChoices):
        CITY_HOSPITAL = "city_hospital", _("City hospital")
        COUNTY_HOSPITAL = "county_hospital", _("County hospital")
        SUB_CENTRE = "sub_centre", _("County medical sub-centre")
        TOWNSHIP_HC = "township_hc", _("Township health centre")
        COMMUNITY_HC = "community_hc", _("Community health service centre")
        VILLAGE_CLINIC = "village_clinic", _("Village clinic")
        CDC = "cdc", _("Centre for disease control")
        MCH = "mch", _("Maternal and child health hospital")
        BUREAU = "bureau", _("Health bureau or commission")
        OTHER = "other", _("Other")

    PRIMARY_CARE = (Kind.SUB_CENTRE, Kind.TOWNSHIP_HC, Kind.COMMUNITY_HC)

    class Level(models.TextChoices):
        GRADE_3A = "3a", _("Grade III A")
        GRADE_3B = "3b", _("Grade III B")
        GRADE_2A = "2a", _("Grade II A")
        GRADE_2B = "2b", _("Grade II B")
        GRADE_1 = "1", _("Grade I")
        UNGRADED = "none", _("Ungraded")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.UNGRADED
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="institutions"
    )
    grid = models.ForeignKey(
        "Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="institutions",
    )
    medical_group = models.ForeignKey(
        "MedicalGroup",
        verbose_name=_("medical group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # What the unit can take on in 派单 (stage 3): its capability tags and how many projects
    # it can carry at once.
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    project_capacity = models.PositiveSmallIntegerField(_("project capacity"), default=2)
    history = HistoricalRecords()

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["region__path", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:institution-detail", args=[self.pk])


class Grid(models.Model):
    """One of the 11 grids, each led by a city-level hospital (seeds/004)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    lead_institution = models.ForeignKey(
        Institution,
        verbose_name=_("lead institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_grids",
    )
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), blank=True)
    history = HistoricalRecords(m2m_fields=[regions])

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["number"]

    def __str__(self):
        return self.name


class MedicalGroup(models.Model):
    """A city medical group, medical alliance, county medical community or specialist alliance."""

    class Kind(models.TextChoices):
        CITY_GROUP = "city_group", _("City medical group")
        ALLIANCE = "alliance", _("Medical alliance")
        COUNTY_COMMUNITY = "county_community", _("County medical community")
        SPECIALIST = "specialist", _("Specialist alliance")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    lead_institution = models.ForeignKey(
        Institution,
        verbose_name=_("lead institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_groups",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medical group")
        verbose_name_plural = _("medical groups")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class JiebangUserManager(UserManager):
    def of_unit(self, institution):
        """The active unit users of `institution` (an id or an instance): the people who may
        own its tasks, sit in its working group or sign for it. An expert or a panel member
        from the same hospital is not one of them."""
        return self.filter(institution=institution, role=Role.UNIT, is_active=True)

    def heads_of(self, institution):
        """Those of its unit users who sign for it (负责人)."""
        return self.of_unit(institution).filter(is_unit_head=True)

    def with_role(self, *roles):
        return self.filter(role__in=roles, is_active=True)

    def bureaus_over(self, region):
        """The active county-bureau users whose region contains `region` (a unit's region):
        the county that endorses its claims and confirms its figures."""
        if region is None:
            return self.none()
        return self.with_role(Role.COUNTY_BUREAU).filter(region__in=region.path_regions)


class User(AbstractUser):
    """An account: one role, in one institution and/or region."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.UNIT)
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_unit_head = models.BooleanField(
        _("unit head"),
        default=False,
        help_text=_("The head of the institution: confirms responsibility letters (stage 4)."),
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("For county bureau users: the county they oversee."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = JiebangUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def compute_scope(self) -> Scope:
        """What this user may see; see core/scoping.py. Only a unit user carries its
        institution's scope: an expert or a panel member works for the programme, not for
        the hospital they come from, so their institution gives them nothing."""
        if self.role in CITY_ROLES:
            return Scope(is_city=True)
        if self.role == Role.COUNTY_BUREAU:
            region = self.region or (self.institution.region if self.institution else None)
            county = region.county if region else None
            return Scope(region_path=county.path) if county else NOTHING
        if self.role == Role.UNIT and self.institution_id:
            return Scope(unit_id=self.institution_id)
        return NOTHING
