from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiebang.core.forms import BootstrapMixin, style_widgets
from jiebang.core.permissions import can
from jiebang.core.roles import Role
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, Region, User
from jiebang.projects.models import Project
from jiebang.projects.project.forms import TagsField

from .models import Advice, Expert, OutreachEvent, tag_filter
from .vocabulary import CAPABILITY_TAGS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _counties():
    return Region.objects.filter(kind__in=Region.COUNTY_LEVEL)


def _expert_institutions():
    """Experts work in hospitals and public-health institutions, not in clinics or bureaus."""
    K = Institution.Kind
    return Institution.objects.filter(
        kind__in=[K.CITY_HOSPITAL, K.COUNTY_HOSPITAL, K.MCH, K.CDC, K.SUB_CENTRE]
    ).select_related("region")


class ExpertFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    specialty = forms.ChoiceField(
        label=_("specialty"),
        choices=[("", "—"), *[(t, t) for t in CAPABILITY_TAGS]],
        required=False,
    )
    institution = forms.ModelChoiceField(
        label=_("institution"), queryset=Institution.objects.none(), required=False, empty_label="—"
    )
    availability = forms.ChoiceField(
        label=_("availability"),
        choices=[("", "—"), *Expert.Availability.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(
            pk__in=Expert.objects.values("institution")
        )

    def filter(self, experts):
        if not self.is_valid():
            return experts
        data = self.cleaned_data
        if data["q"]:
            experts = experts.filter(
                Q(name__icontains=data["q"])
                | Q(bio__icontains=data["q"])
                | Q(affiliation__icontains=data["q"])
                | tag_filter("specialties", data["q"].strip())
            )
        if data["specialty"]:
            experts = experts.filter(tag_filter("specialties", data["specialty"]))
        if data["institution"]:
            experts = experts.filter(institution=data["institution"])
        if data["availability"]:
            experts = experts.filter(availability=data["availability"])
        return experts


class ProjectPickForm(BootstrapMixin, forms.Form):
    """The project whose expert suggestions to show (from the directory)."""

    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.visible_to(user)
            .exclude(status=Project.Status.WITHDRAWN)
            .order_by("code")
        )


class ExpertForm(BootstrapMixin, forms.ModelForm):
    specialties = TagsField(
        label=_("specialties"),
        help_text=_("Separate with commas, e.g. 信息化, 胸痛, 流程优化."),
    )

    class Meta:
        model = Expert
        fields = [
            "name",
            "title",
            "institution",
            "affiliation",
            "specialties",
            "availability",
            "availability_note",
            "phone",
            "user",
            "bio",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = _expert_institutions()
        taken = Expert.objects.exclude(user=None)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        self.fields["user"].queryset = User.objects.filter(role=Role.EXPERT).exclude(
            pk__in=taken.values("user")
        )


class AssignForm(forms.Form):
    """The expert a suggestion's button assigns."""

    expert = forms.ModelChoiceField(
        queryset=Expert.objects.all(),
        error_messages={
            "required": _("Choose an expert."),
            "invalid_choice": _("Choose an expert."),
        },
    )


class AdviceForm(BootstrapMixin, forms.ModelForm):
    """Advice on a project: city staff pick the expert, an expert records their own."""

    class Meta:
        model = Advice
        fields = ["expert", "project", "date", "kind", "content"]
        widgets = {"date": DATE, "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.visible_to(user)
            .exclude(status__in=[Project.Status.DRAFT, Project.Status.WITHDRAWN])
            .order_by("code")
        )
        if can(user, "resources.manage_experts"):
            self.fields["expert"].queryset = Expert.objects.select_related("institution")
        else:
            self.fields["expert"].queryset = Expert.objects.filter(user=user)
            self.fields["expert"].empty_label = None
        self.fields["date"].initial = timezone.localdate


class EventFilterForm(BootstrapMixin, forms.Form):
    county = forms.ModelChoiceField(
        label=_("County"), queryset=Region.objects.none(), required=False, empty_label="—"
    )
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DATE
    )
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = _counties()
        if scope_path := user_scope(user).region_path:
            counties = counties.filter(path__startswith=scope_path)
        self.fields["county"].queryset = counties

    def filter(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["county"]:
            events = events.filter(region__path__startswith=data["county"].path)
        if data["date_from"]:
            events = events.filter(date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(date__lte=data["date_to"])
        return events


class EventForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = OutreachEvent
        fields = ["title", "date", "region", "place", "experts", "free_clinic_count", "notes"]
        widgets = {
            "date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "experts": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(
            kind__in=[
                *Region.COUNTY_LEVEL,
                Region.Kind.TOWN,
                Region.Kind.TOWNSHIP,
                Region.Kind.STREET,
            ]
        )
        if scope_path := user_scope(user).region_path:
            regions = regions.filter(path__startswith=scope_path)
        self.fields["region"].queryset = regions
        self.fields["region"].help_text = _("The county, or the town, where the event was held.")
        self.fields["experts"].queryset = Expert.objects.select_related("institution")
        self.fields["experts"].required = False


class AttendanceForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("institution"), queryset=Institution.objects.none()
    )
    attendees = forms.IntegerField(label=_("number of attendees"), min_value=0)
    village_doctors = forms.IntegerField(label=_("of whom village doctors"), min_value=0, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.visible_to(user).exclude(
            kind=Institution.Kind.BUREAU
        )
        style_widgets(self)

    def has_changed(self):
        return bool(self["institution"].data or self["attendees"].data)

    def clean(self):
        data = super().clean()
        if (data.get("village_doctors") or 0) > (data.get("attendees") or 0):
            self.add_error("village_doctors", _("More village doctors than attendees."))
        return data


class BaseAttendanceFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            institution = getattr(form, "cleaned_data", {}).get("institution")
            if institution is None:
                continue
            if institution.pk in seen:
                form.add_error("institution", _("This institution is listed twice."))
            seen.add(institution.pk)


AttendanceFormSet = forms.formset_factory(AttendanceForm, formset=BaseAttendanceFormSet, extra=3)
