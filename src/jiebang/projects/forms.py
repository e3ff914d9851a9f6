from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin, style_widgets
from jiebang.needs.models import Proposal
from jiebang.orgs.models import Institution, Region, User

from .models import (
    Dimension,
    GreenChannelCase,
    Indicator,
    Project,
    ProjectList,
    validate_claim_attachment,
)

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


class ProjectListForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProjectList
        fields = ["name", "round_number"]


class GuideForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProjectList
        fields = ["name", "guide_process", "guide_materials", "guide_deadline", "guide_contact"]
        widgets = {
            "guide_deadline": forms.DateInput(attrs={"type": "date"}),
            "guide_process": forms.Textarea(attrs={"rows": 5}),
            "guide_materials": forms.Textarea(attrs={"rows": 5}),
        }


class AddProjectsForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("Draft projects"),
        queryset=Project.objects.filter(status=Project.Status.DRAFT, project_list=None),
        widget=forms.CheckboxSelectMultiple,
    )


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ClaimForm(BootstrapMixin, forms.Form):
    plan = forms.CharField(label=_("implementation plan"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(
        label=_("attachment"),
        required=False,
        validators=[validate_claim_attachment],
        help_text=_("PDF, Word, Excel, JPG or PNG, up to 10 MB."),
    )


class EndorseForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("county note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseForm(BootstrapMixin, forms.Form):
    """直报: what a unit raises to the task force, on the green-channel page or on one of its
    projects' accountability page (`project` given: the case is about that project and the
    form asks for no other)."""

    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 5}))
    departments = forms.MultipleChoiceField(
        label=_("departments"),
        choices=GreenChannelCase.Department.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    project = forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, user, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            del self.fields["project"]
            self.fields["description"].widget.attrs["rows"] = 3
        else:
            # Only the projects the unit implements: published ones of other units are no
            # business of its cases (raise_case checks it again).
            self.fields["project"].queryset = Project.objects.implemented_visible_to(user)


class TakeCaseForm(BootstrapMixin, forms.Form):
    response_deadline = forms.DateField(
        label=_("response deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ResolveCaseForm(BootstrapMixin, forms.Form):
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseCaseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for closing"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseFilterForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("All statuses"))] + GreenChannelCase.Status.choices,
        required=False,
    )
    department = forms.ChoiceField(
        label=_("departments"),
        choices=[("", _("All departments"))] + GreenChannelCase.Department.choices,
        required=False,
    )

    def filter(self, cases):
        if not self.is_valid():
            return cases
        if status := self.cleaned_data["status"]:
            cases = cases.filter(status=status)
        if department := self.cleaned_data["department"]:
            # JSON lists are matched as text: works alike on SQLite and PostgreSQL.
            cases = cases.filter(departments__icontains=f'"{department}"')
        return cases


# 竞技比武


class CompetitionForm(BootstrapMixin, forms.Form):
    session_at = forms.DateTimeField(
        label=_("roadshow date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("place"), max_length=200)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    panel = forms.ModelMultipleChoiceField(
        label=_("panel"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Panel members and experts who score the pitches."),
    )

    def __init__(self, *args, **kwargs):
        from .competitions import panel_candidates

        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panel_candidates()
        self.fields["panel"].label_from_instance = lambda u: f"{u} · {u.get_role_display()}"


class CriterionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("criterion"), max_length=100, required=False)
    weight = forms.DecimalField(
        label=_("weight"), max_digits=6, decimal_places=2, min_value=0, required=False
    )
    max_score = forms.DecimalField(
        label=_("maximum score"), max_digits=6, decimal_places=2, min_value=0, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("name") and (data.get("weight") is None or data.get("max_score") is None):
            raise forms.ValidationError(_("Give the weight and the highest score."))
        return data


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2)


class ScoreForm(BootstrapMixin, forms.Form):
    """One panel member's sheet for one pitch: a score per criterion and a comment."""

    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name} (0–{criterion.max_score.normalize():f})",
                min_value=0,
                max_value=criterion.max_score,
                max_digits=6,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.5"}),
            )
        self.order_fields([f"c{c.pk}" for c in self.criteria] + ["comment"])
        style_widgets(self)

    def values(self) -> dict:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2})
    )


# 派单


class DispatchForm(BootstrapMixin, forms.Form):
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
        from .dispatch import unclaimed_projects

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
        """`options` (dispatch.unit_options) limits what is offered to the units that could
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
