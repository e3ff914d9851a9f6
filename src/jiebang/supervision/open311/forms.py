from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin


class ApiKeyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Partner system"),
        max_length=100,
        help_text=_("The system that will post with the key, e.g. 12345 热线平台."),
    )
