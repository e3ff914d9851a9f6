from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin, LongSelect, style_widgets
from jiebang.needs.models import Category
from jiebang.orgs.models import Institution

from .services import MAX_TEXT

PHONE = r"\A(?:1\d{10}|0\d{2,3}-?\d{7,8})\Z"


class RateForm(forms.Form):
    """The form behind a QR code: stars, a comment, a phone for the follow-up, and a field no
    person sees (a filled one means a robot)."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose from one to five stars.")},
    )
    comment = forms.CharField(
        label=_("What should be better? (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    phone = forms.RegexField(
        label=_("Phone (optional: we will ask you whether it was fixed)"),
        regex=PHONE,
        strip=True,
        required=False,
        error_messages={"invalid": _("Enter a mobile or landline number.")},
    )
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.fields["rating"].widget.attrs["class"] = "btn-check"

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if comment.count("http") >= 2 or comment.count("www.") >= 2:
            raise forms.ValidationError(_("Links are not allowed in comments."))
        return comment


class TrackForm(BootstrapMixin, forms.Form):
    number = forms.CharField(
        label=_("Tracking number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "261202-K7Q2MX"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper().replace(" ", "")


class ConfirmForm(BootstrapMixin, forms.Form):
    fixed = forms.TypedChoiceField(
        label=_("Has it been rectified?"),
        choices=[("1", _("Yes, it is fixed")), ("0", _("No, it is not fixed"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    digits = forms.RegexField(
        label=_("Last four digits of the phone you left"),
        regex=r"\A\d{4}\Z",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("What is still wrong? (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    key = forms.CharField(required=False, widget=forms.HiddenInput)


class RouteForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Institution.objects.none(), widget=LongSelect
    )
    category = forms.ModelChoiceField(
        label=_("Aspect"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("(unchanged)"),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Institution.objects.visible_to(user)


class ReplyForm(BootstrapMixin, forms.Form):
    reply = forms.CharField(
        label=_("What was rectified (shown to the public)"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PointForm(BootstrapMixin, forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), widget=LongSelect
    )
    name = forms.CharField(label=_("Window"), max_length=100)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.visible_to(user)


class DeadlineForm(BootstrapMixin, forms.Form):
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60)
