"""Forms of 点单: the unit's claim, the county's endorsement, the city's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.projects.models import validate_claim_attachment


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
