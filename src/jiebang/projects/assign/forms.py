"""Forms of 派单: running the engine, changing a pair, a unit's capabilities and capacity."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Project
from jiebang.projects.project.forms import KIND_CHOICES, TagsField

from .services import unclaimed_projects


class AssignForm(BootstrapMixin, forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("Unclaimed published projects"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Unit types"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties (none: all)"),
        queryset=Region.objects.filter(kind__in=Region.COUNTY_LEVEL),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    capability = forms.FloatField(label=_("capability weight"), min_value=0, initial=1.0)
    locality = forms.FloatField(label=_("locality weight"), min_value=0, initial=0.5)
    min_per_region = forms.IntegerField(
        label=_("minimum projects per county"),
        min_value=0,
        initial=0,
        help_text=_("Regional balance: every county with units gets at least this many."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        projects = unclaimed_projects().select_related("region").order_by("code")
        self.fields["projects"].queryset = projects
        self.fields["projects"].initial = [p.pk for p in projects]
        self.fields["kinds"].initial = [k for k, _label in KIND_CHOICES if k != "bureau"]


class PairForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("unit"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("(leave unassigned)"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"invalid_choice": _("Choose one of the run's units.")},
    )

    def __init__(self, *args, run, options=None, **kwargs):
        """`options` (services.unit_options) limits what is offered to the units that could
        take the project, best first, with their score and what they have left."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = run.units.all()
        if options is not None:
            self.fields["unit"].choices = [("", self.fields["unit"].empty_label)] + [
                (
                    o.unit.pk,
                    _("%(unit)s · score %(score)s · %(left)s left")
                    % {"unit": o.unit, "score": f"{o.score:.2f}", "left": o.left},
                )
                for o in options
            ]


class UnitProfileForm(BootstrapMixin, forms.Form):
    capabilities = TagsField(label=_("capabilities"), required=False)
    project_capacity = forms.IntegerField(label=_("project capacity"), min_value=0, max_value=99)


class UnitFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("type"), choices=[("", "—"), *KIND_CHOICES], required=False)
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=Region.objects.filter(kind__in=Region.COUNTY_LEVEL),
        required=False,
        empty_label="—",
    )

    def filter(self, units):
        if not self.is_valid():
            return units
        data = self.cleaned_data
        if data["q"]:
            units = units.filter(name__icontains=data["q"])
        if data["kind"]:
            units = units.filter(kind=data["kind"])
        if data["county"]:
            units = units.filter(region__path__startswith=data["county"].path)
        return units
