from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.orgs.models import Region
from jiebang.projects.models import Project

from .models import PointRule, Recognition
from .points import is_available
from .services import RECOGNISABLE_STATUSES


class PointRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PointRule
        fields = ["name", "kind", "points", "is_active", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_yet = _("not available yet")
        self.fields["kind"].choices = [
            (value, label if is_available(value) else f"{label} ({not_yet})")
            for value, label in PointRule.Kind.choices
        ]


class RecognitionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Recognition
        fields = ["project", "kind", "year", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(
            status__in=RECOGNISABLE_STATUSES, implementing_unit__isnull=False
        ).select_related("implementing_unit")


class RankingFilterForm(BootstrapMixin, forms.Form):
    """Year and (for city staff) county of the ranked table."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=Region.objects.filter(kind__in=Region.COUNTY_LEVEL),
        required=False,
        empty_label="—",
    )

    def __init__(self, data=None, *, years, with_county=True):
        super().__init__(data)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        this_year = timezone.localdate().year
        self.default_year = this_year if this_year in years else years[0]
        if not with_county:
            del self.fields["county"]

    def value(self, name):
        data = self.cleaned_data if self.is_valid() else {}
        if name == "year":
            return data.get("year") or self.default_year
        return data.get(name)
