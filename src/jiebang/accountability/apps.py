"""Stage 4 揭榜明责 accountability: responsibility letters, task forces, minutes, monthly showings, interviews → rectification → acceptance (F4.1, F4.2, F4.5)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "jiebang.accountability"
    verbose_name = _("Accountability")
