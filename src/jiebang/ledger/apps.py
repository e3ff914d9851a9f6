"""The two ledgers of stage 4: tasks, progress updates, indicator measurements, overdue, interviews (F4.3–F4.6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "jiebang.ledger"
    verbose_name = _("Ledger")
