from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin, LongSelect, style_widgets
from jiebang.ledger.forms import EvidenceField
from jiebang.orgs.models import Institution
from jiebang.projects.models import Dimension, Project

from . import effect as fx
from . import services
from .models import Adoption, Promotion, ReachRecord, validate_output, validate_policy_file
from .queries import VERDICT_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def _projects_widget():
    return forms.SelectMultiple(attrs={"size": 8})


class PromotionFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Promotion.Status.choices], required=False
    )

    def filter(self, promotions):
        if not self.is_valid():
            return promotions
        data = self.cleaned_data
        if data["q"]:
            promotions = promotions.filter(
                Q(title__icontains=data["q"])
                | Q(project__title__icontains=data["q"])
                | Q(project__code__icontains=data["q"])
            )
        if data["status"]:
            promotions = promotions.filter(status=data["status"])
        return promotions


class PromotionCreateForm(BootstrapMixin, forms.Form):
    project = forms.ModelChoiceField(
        label=_("project"),
        queryset=Project.objects.none(),
        widget=LongSelect,
        help_text=_("An excellent project under way or completed, without a promotion under way."),
    )
    title = forms.CharField(
        label=_("model name"), max_length=200, help_text=_("e.g. “预住院”服务模式")
    )
    summary = forms.CharField(
        label=_("key points of the model"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            services.promotable_projects()
            .exclude(promotions__status=Promotion.Status.ACTIVE)
            .order_by("code")
        )


class PromotionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("model name"), max_length=200)
    summary = forms.CharField(
        label=_("key points of the model"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class StepPlanForm(BootstrapMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("owner"), queryset=None, required=False)
    planned_start = forms.DateField(label=_("planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("planned end"), required=False, widget=DATE)

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = services.step_owner_choices(step.project)
        self.fields["owner"].help_text = _(
            "City staff, the county bureau or a user of the implementing unit: "
            "someone who sees the project."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the planned start."))
        return data


class StepStartForm(forms.Form):
    started_on = forms.DateField(label=_("start date"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate
        style_widgets(self)


class StepFinishForm(forms.Form):
    outputs = forms.CharField(
        label=_("outputs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the step produced: a diagnosis report, a pilot summary, a standard …"),
    )
    files = EvidenceField(
        label=_("output files"),
        validators=[validate_output],
        help_text=_("PDF, Word, Excel or images, up to 10 MB each."),
    )
    finished_on = forms.DateField(label=_("end date"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finished_on"].initial = timezone.localdate
        style_widgets(self)


def _adopters():
    """Institutions that run services a model can be adopted in (not bureaus or clinics)."""
    K = Institution.Kind
    return Institution.objects.filter(
        kind__in=[K.CITY_HOSPITAL, K.COUNTY_HOSPITAL, K.MCH, K.CDC, *Institution.PRIMARY_CARE],
        is_active=True,
    ).order_by("kind", "name")


class AdoptionForm(BootstrapMixin, forms.Form):
    institution = forms.ModelChoiceField(
        label=_("adopting institution"), queryset=Institution.objects.none(), widget=LongSelect
    )
    adopted_on = forms.DateField(
        label=_("date adopted"),
        widget=DATE,
        help_text=_("The day the model went live there: its effect is measured from this day."),
    )
    status = forms.ChoiceField(
        label=_("status"), choices=Adoption.Status.choices, initial=Adoption.Status.RUNNING
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, promotion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = _adopters().exclude(
            Q(pk=promotion.project.implementing_unit_id)
            | Q(pk__in=promotion.adoptions.values("institution"))
        )


class AdoptionEditForm(BootstrapMixin, forms.Form):
    adopted_on = forms.DateField(label=_("date adopted"), widget=DATE)
    status = forms.ChoiceField(label=_("status"), choices=Adoption.Status.choices)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AdoptionValueForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=None)
    period = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MONTH,
        help_text=_("Recording a month again corrects its value."),
    )
    value = forms.DecimalField(label=_("value"), max_digits=14, decimal_places=2)
    source = forms.CharField(label=_("data source"), max_length=200, required=False)

    def __init__(self, *args, adoption, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = adoption.promotion.project.indicators.all()
        style_widgets(self)


VERDICT_CHOICES = [("", "—"), *((v.value, VERDICT_LABELS[v]) for v in fx.Verdict)]


class EffectFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    dimension = forms.ModelChoiceField(
        label=_("reform dimension"),
        queryset=Dimension.objects.all(),
        required=False,
        empty_label="—",
    )
    verdict = forms.ChoiceField(label=_("Result"), choices=VERDICT_CHOICES, required=False)

    def projects(self, projects):
        if not self.is_valid():
            return projects
        data = self.cleaned_data
        if data["q"]:
            projects = projects.filter(
                Q(title__icontains=data["q"])
                | Q(code__icontains=data["q"])
                | Q(implementing_unit__name__icontains=data["q"])
                | Q(indicators__name__icontains=data["q"])
            ).distinct()
        if data["dimension"]:
            projects = projects.filter(dimension=data["dimension"])
        return projects

    def rows(self, rows):
        if not self.is_valid() or not self.cleaned_data["verdict"]:
            return rows
        return [r for r in rows if r.verdict["code"] == self.cleaned_data["verdict"]]


class InterventionForm(BootstrapMixin, forms.Form):
    date = forms.DateField(
        label=_("intervention date"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to measure from the project's start date."),
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the change took effect on this day (e.g. the day the new process went live)."
        ),
    )


class PolicyForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    number = forms.CharField(label=_("document number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("date issued"), widget=DATE)
    issuer = forms.CharField(label=_("issued by"), max_length=100)
    summary = forms.CharField(
        label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("document file"),
        required=False,
        validators=[validate_policy_file],
        help_text=_("PDF or Word, up to 10 MB."),
    )


def _citable_projects():
    return Project.objects.filter(status__in=services.CITABLE).order_by("code")


class ArticleForm(BootstrapMixin, forms.Form):
    number = forms.IntegerField(label=_("article number"), min_value=1, max_value=999)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 4}))
    projects = forms.ModelMultipleChoiceField(
        label=_("source projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=_projects_widget(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = _citable_projects()


def _years():
    this_year = timezone.localdate().year
    return [("", "—"), *((str(y), str(y)) for y in range(this_year, this_year - 6, -1))]


class ReachFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *ReachRecord.Kind.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("level"), choices=[("", "—"), *ReachRecord.Level.choices], required=False
    )
    year = forms.ChoiceField(label=_("Year"), choices=(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()

    def filter(self, records):
        if not self.is_valid():
            return records
        data = self.cleaned_data
        if data["q"]:
            records = records.filter(
                Q(title__icontains=data["q"])
                | Q(outlet__icontains=data["q"])
                | Q(projects__title__icontains=data["q"])
            ).distinct()
        if data["kind"]:
            records = records.filter(kind=data["kind"])
        if data["level"]:
            records = records.filter(level=data["level"])
        if data["year"]:
            records = records.filter(date__year=int(data["year"]))
        return records


class ReachForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ReachRecord.Kind.choices)
    date = forms.DateField(label=_("date"), widget=DATE)
    title = forms.CharField(label=_("title"), max_length=200)
    outlet = forms.CharField(
        label=_("outlet, meeting or visitors"),
        max_length=200,
        help_text=_(
            "The medium of a report, the meeting of a speech, or where a delegation came from."
        ),
    )
    level = forms.ChoiceField(label=_("level"), choices=ReachRecord.Level.choices)
    visitors = forms.IntegerField(
        label=_("number of visitors"), min_value=1, required=False, help_text=_("For delegations.")
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=_projects_widget(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = _citable_projects()
