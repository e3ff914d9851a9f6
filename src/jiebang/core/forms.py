"""Form helpers shared by every app."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .errors import DomainError

# Every date the platform stores lies in this range: year 0001 or 9999 is a typo (or a probe),
# never a deadline. Forms check it (style_widgets bounds every date field); services that are
# reached without a form (imports, commands) call check_date_range.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def date_range_error(value) -> str | None:
    """The message when `value` (a date or datetime) lies outside the range, else None."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return _("Dates must lie between %(earliest)s and %(latest)s: %(value)s is out of range.") % {
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": LATEST_DATE.isoformat(),
        "value": day.isoformat(),
    }


def validate_date_range(value) -> None:
    """Validator of every date and datetime form field (added by style_widgets)."""
    if message := date_range_error(value):
        raise ValidationError(message, code="date_range")


def check_date_range(*values) -> None:
    """DomainError unless every given date (None aside) lies in the range: for services."""
    for value in values:
        if value is not None and (message := date_range_error(value)):
            raise DomainError(message)


# The min and max the browser's pickers get, by input type.
_INPUT_BOUNDS = {
    "date": (EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()),
    "datetime-local": (f"{EARLIEST_DATE.isoformat()}T00:00", f"{LATEST_DATE.isoformat()}T23:59"),
    "month": (f"{EARLIEST_DATE:%Y-%m}", f"{LATEST_DATE:%Y-%m}"),
}


def bound_dates(field) -> None:
    """Keep a date or datetime field within the range: the validator (once) and, on an HTML5
    date, datetime-local or month input, min and max (unless the form set its own)."""
    if not isinstance(field, forms.DateField | forms.DateTimeField):
        return
    if validate_date_range not in field.validators:
        field.validators.append(validate_date_range)
    widget = field.widget
    input_type = widget.attrs.get("type") or getattr(widget, "input_type", "")
    if bounds := _INPUT_BOUNDS.get(input_type):
        widget.attrs.setdefault("min", bounds[0])
        widget.attrs.setdefault("max", bounds[1])


def style_widgets(form) -> None:
    """Bootstrap 5 classes on the form's widgets; a class set on a widget already is kept.
    Every date and datetime field is bounded (bound_dates), so no form escapes the range.
    Call it after the form has all its fields."""
    for field in form.fields.values():
        bound_dates(field)
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # and checkbox lists
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        _html5_value_format(widget)


# The browser's date and datetime-local inputs accept only ISO values; Django would write the
# active locale's format (2026/11/25 in Chinese), which the browser shows as empty.
HTML5_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M"}


def _html5_value_format(widget) -> None:
    fmt = HTML5_FORMATS.get(widget.attrs.get("type") or getattr(widget, "input_type", ""))
    if fmt and isinstance(widget, forms.DateInput | forms.DateTimeInput):
        widget.format = fmt


class ReasonForm(forms.Form):
    """What a button may post besides itself: a reason. Optional here: the service says when
    one is needed (and its message says so)."""

    reason = forms.CharField(required=False)


class NoteForm(forms.Form):
    """What a button may post besides itself: a note (optional)."""

    note = forms.CharField(required=False)


class BootstrapMixin:
    """style_widgets() for forms whose fields are all declared on the class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class LongSelect(forms.Select):
    """A <select> for hundreds of options (327 institutions, every project): the same HTML as
    forms.Select, written directly instead of through one template per option, which costs
    tens of milliseconds a page."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        selected = {str(v) for v in context["value"]}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (v, mark_safe(" selected") if str(v) in selected else "", label)  # noqa: S308
                for v, label in self._flat_options()
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(context["attrs"]), options
        )

    def _flat_options(self):
        for value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup: its options, flattened
                yield from ((v, lbl) for v, lbl in label)
            else:
                yield ("" if value is None else getattr(value, "value", value), label)
