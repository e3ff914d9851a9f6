"""Forms of 竞技比武: the session and panel, the criteria, a member's score sheet."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin, style_widgets
from jiebang.orgs.models import User

from .services import panel_candidates


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
