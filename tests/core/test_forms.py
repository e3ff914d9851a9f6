"""Date inputs keep values the browser accepts whatever the interface language."""

import datetime

from django import forms
from django.utils import translation

from jiebang.core.forms import BootstrapMixin


class _Form(BootstrapMixin, forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def test_date_inputs_render_iso_values_in_chinese():
    form = _Form(
        initial={
            "day": datetime.date(2026, 11, 25),
            "moment": datetime.datetime(2026, 11, 25, 9, 5),
        }
    )
    with translation.override("zh-hans"):
        html = str(form["day"]) + str(form["moment"])
    assert 'value="2026-11-25"' in html
    assert 'value="2026-11-25T09:05"' in html
