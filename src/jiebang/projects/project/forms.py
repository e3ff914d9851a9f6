"""Forms of the project pages: a project with its indicators and milestones, the filter, the
reform dimensions; TagsField (capability tags) for every tag list."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.needs.models import Proposal
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Dimension, Indicator, Project, ProjectList

KIND_CHOICES = Institution.Kind.choices


class TagsField(forms.CharField):
    """Tags typed as one line, separated by commas (either width) or 、."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        for sep in ("，", "、"):
            text = text.replace(sep, ",")
        return [t.strip() for t in text.split(",") if t.strip()]


class DimensionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)


class DimensionEditForm(DimensionForm):
    order = forms.IntegerField(label=_("order"), min_value=0, max_value=32767)
    is_active = forms.BooleanField(label=_("active"), required=False)


class ProjectForm(BootstrapMixin, forms.ModelForm):
    coverage_types = forms.MultipleChoiceField(
        label=_("coverage institution types"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible_types = forms.MultipleChoiceField(
        label=_("eligible institution types"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capabilities = TagsField(label=_("capabilities"), required=False)

    class Meta:
        model = Project
        fields = [
            "title",
            "description",
            "dimension",
            "channel",
            "implementing_unit",
            "region",
            "coverage_regions",
            "coverage_types",
            "start_date",
            "end_date",
            "priority",
            "capabilities",
            "eligible_types",
            "project_list",
            "source_proposal",
            "is_key",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A switched-off dimension is not offered, except to the project that has it already.
        current = Q(pk=self.instance.dimension_id) if self.instance.dimension_id else Q()
        self.fields["dimension"].queryset = Dimension.objects.filter(Q(is_active=True) | current)
        self.fields["dimension"].required = True
        self.fields["region"].queryset = Region.objects.filter(kind__in=Region.COUNTY_LEVEL)
        self.fields["project_list"].queryset = ProjectList.objects.filter(
            status=ProjectList.Status.DRAFT
        )
        self.fields["source_proposal"].queryset = Proposal.objects.filter(
            status__in=(Proposal.Status.SELECTED, Proposal.Status.UPGRADED)
        ).order_by("title")
        self.fields["implementing_unit"].queryset = Institution.objects.filter(is_active=True)


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target", "direction", "method", "frequency"]
        widgets = {"method": forms.TextInput()}

    def has_changed(self):
        """A blank extra row stays blank even though its selects post their defaults."""
        return any(self[name].data for name in ("name", "unit", "baseline", "target", "method"))


class MilestoneForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    due_date = forms.DateField(label=_("due date"), widget=forms.DateInput(attrs={"type": "date"}))


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=3)


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3)


class ProjectFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    dimension = forms.ModelChoiceField(
        label=_("reform dimension"),
        queryset=Dimension.objects.all(),
        required=False,
        empty_label="—",
    )
    channel = forms.ChoiceField(
        label=_("channel"), choices=[("", "—"), *Project.Channel.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Project.Status.choices], required=False
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=Region.objects.filter(kind__in=Region.COUNTY_LEVEL),
        required=False,
        empty_label="—",
    )

    def filter(self, projects):
        if not self.is_valid():
            return projects
        data = self.cleaned_data
        if data["q"]:
            projects = projects.filter(title__icontains=data["q"])
        for name in ("dimension", "channel", "status"):
            if data[name]:
                projects = projects.filter(**{name: data[name]})
        if data["county"]:
            path = data["county"].path
            projects = projects.filter(
                Q(region__path__startswith=path)
                | Q(implementing_unit__region__path__startswith=path)
            )
        return projects


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
