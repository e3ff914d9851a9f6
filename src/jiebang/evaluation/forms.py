"""Forms of the evaluation: the round, a nomination and its screening and verification, the
panel and its draw, a score sheet, the Excel sheet upload and the citations of the ten."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin, LongSelect, style_widgets
from jiebang.core.uploads import check_upload
from jiebang.orgs.models import User
from jiebang.projects.models import Project

from .models import Criterion, EvaluationRound, PanelMember, Verification
from .services import panel_candidates

WEIGHT_FIELDS = [f"weight_{code}" for code in Criterion.values]


class RoundForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = [
            "name",
            "year",
            "nomination_deadline",
            "scoring_deadline",
            "admits_in_progress",
            *WEIGHT_FIELDS,
        ]
        widgets = {
            "nomination_deadline": forms.DateInput(attrs={"type": "date"}),
            "scoring_deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def weight_fields(self):
        return [self[name] for name in WEIGHT_FIELDS]

    def other_fields(self):
        return [self[name] for name in self.fields if name not in WEIGHT_FIELDS]


class NominationForm(BootstrapMixin, forms.Form):
    project = forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.none(), widget=LongSelect
    )
    write_up = forms.CharField(
        label=_("case write-up"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("What was done, what changed for patients, with figures."),
    )
    evidence = forms.FileField(
        label=_("evidence"),
        required=False,
        help_text=_("PDF, Word, Excel or an image, up to 10 MB."),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: (
            f"{p.code} {p.title} · {p.implementing_unit}"
        )

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            check_upload(evidence, ("pdf", "docx", "doc", "jpg", "jpeg", "png", "xlsx"))
        return evidence


class ScreenForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("screening result"),
        choices=[("accept", _("Admit to review")), ("reject", _("Do not admit"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("screening note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the nomination is not admitted."),
    )


class VerificationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Verification
        fields = ["visited_on", "inspectors", "findings", "verdict"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}),
            "findings": forms.Textarea(attrs={"rows": 3}),
        }


class PanelMemberForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("panel member"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=PanelMember.Kind.choices)
    affiliation = forms.CharField(label=_("affiliation"), max_length=100, required=False)

    def __init__(self, *args, round_=None, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = panel_candidates().select_related("institution")
        if round_ is not None:
            candidates = candidates.exclude(evaluation_seats__round=round_)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: (
            f"{u} · {u.get_role_display()}" + (f" · {u.institution}" if u.institution_id else "")
        )


class DrawForm(BootstrapMixin, forms.Form):
    per_nomination = forms.IntegerField(
        label=_("raters per nomination"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave empty for every panel member free of a conflict of interest."),
    )


class AssignForm(BootstrapMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("panel member"), queryset=PanelMember.objects.none())

    def __init__(self, *args, nomination, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            nomination.round.members.exclude(user__evaluation_sheets__nomination=nomination)
            .select_related("user")
            .order_by("kind", "pk")
        )


class SheetForm(forms.Form):
    """A rater's scores of one nomination: 0–100 on each criterion, and a comment."""

    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in Criterion.values:
            self.fields[code] = forms.DecimalField(
                label=f"{Criterion(code).label} (0–100)",
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
        self.order_fields([*Criterion.values, "comment"])
        style_widgets(self)

    def scores(self) -> dict:
        return {code: self.cleaned_data[code] for code in Criterion.values}


class SheetFileForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("filled score sheet (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, ("xlsx",), max_bytes=2 * 1024 * 1024)
        return upload


class CitationForm(BootstrapMixin, forms.Form):
    citation = forms.CharField(
        label=_("citation"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


CitationFormSet = forms.formset_factory(CitationForm, extra=0, max_num=10, absolute_max=10)
