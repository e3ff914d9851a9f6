"""The commission's printed documents (responsibility letters, work briefings, QR sheets): a
template rendered in the site's language (Chinese, whatever the reader's) and set as PDF by
WeasyPrint with Debian's Noto CJK fonts."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy; loaded only when a PDF is made

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()
