from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import style_widgets
from jiebang.core.scoping import user_scope

from .models import Institution, Region


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "kind",
            "level",
            "region",
            "grid",
            "medical_group",
            "address",
            "phone",
            "is_active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.all()
        if path := user_scope(user).region_path:
            regions = regions.filter(path__startswith=path)
        self.fields["region"].queryset = regions.exclude(kind=Region.Kind.CITY)
        style_widgets(self)


class InstitutionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", "—"), *Institution.Kind.choices]
    )
    county = forms.ModelChoiceField(
        label=_("County"), required=False, queryset=Region.objects.none(), empty_label="—"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(kind__in=Region.COUNTY_LEVEL)
        if path := user_scope(user).region_path:
            counties = counties.filter(path__startswith=path)
        self.fields["county"].queryset = counties
        style_widgets(self)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(name__icontains=data["q"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["county"]:
            queryset = queryset.filter(region__path__startswith=data["county"].path)
        return queryset
