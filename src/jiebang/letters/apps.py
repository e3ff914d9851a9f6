"""Stage 4 responsibility letters and task forces (F4.1, F4.2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "jiebang.letters"
    verbose_name = _("Letters")
