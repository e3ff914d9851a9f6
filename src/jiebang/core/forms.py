"""Form helpers shared by every app."""

from django import forms


def style_widgets(form) -> None:
    """Bootstrap 5 classes on the form's widgets; a class set on a widget already is kept.
    Call it after the form has all its fields."""
    for field in form.fields.values():
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


class BootstrapMixin:
    """style_widgets() for forms whose fields are all declared on the class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
