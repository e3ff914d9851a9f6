from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiebang.core.forms import style_widgets
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, Region

from .models import Category, Channel


def _county_choices(user=None):
    counties = Region.objects.filter(kind__in=Region.COUNTY_LEVEL)
    if user is not None and (path := user_scope(user).region_path):
        counties = counties.filter(path__startswith=path)
    return counties


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", "—"), *Channel.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all(), empty_label="—"
    )
    county = forms.ModelChoiceField(
        label=_("County"), required=False, queryset=Region.objects.none(), empty_label="—"
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=Institution.objects.all(),
        widget=forms.HiddenInput,
    )
    month = forms.CharField(label=_("Month"), required=False, widget=forms.HiddenInput)
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _county_choices(user)
        style_widgets(self)

    def filter(self, queryset):
        from .queries import filter_feedback

        if not self.is_valid():
            return queryset
        return filter_feedback(queryset, **self.cleaned_data)


class CorrectCategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Hotline export (CSV or XLSX)"),
        allow_empty_file=True,  # read_table names the empty file in its own message
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class MappingForm(forms.Form):
    """Which column of the uploaded file holds each of our fields."""

    def __init__(self, *args, headers, missing, **kwargs):
        super().__init__(*args, **kwargs)
        from .importing import COLUMNS, REQUIRED

        choices = [("", "—"), *((h, h) for h in headers)]
        for name, label in COLUMNS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=name in REQUIRED and name in missing,
            )
        style_widgets(self)


class SurveyForm(forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 5}))
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), required=False
    )
    received_at = forms.DateTimeField(
        label=_("Observed at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.visible_to(user).exclude(
            kind=Institution.Kind.VILLAGE_CLINIC
        )
        style_widgets(self)


class OnlineFeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Your suggestion or complaint"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    county = forms.ModelChoiceField(
        label=_("County"), queryset=Region.objects.none(), required=False, empty_label="—"
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=30, required=False)
    phone = forms.RegexField(
        label=_("Phone (optional, for a call back)"),
        # \A…\Z, not ^…$: "$" also matches before a final newline (RegexField searches).
        regex=r"\A(?:1\d{10}|0\d{2,3}-?\d{7,8})\Z",
        strip=True,  # RegexField keeps surrounding whitespace unless told
        required=False,
        error_messages={"invalid": _("Enter a mobile or landline number.")},
    )
    # A field people never see: a filled one means a bot.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _county_choices()
        style_widgets(self)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if text.count("http") >= 2 or text.count("www.") >= 2:
            raise forms.ValidationError(_("Links are not allowed in suggestions."))
        return text
