"""The two ledgers of stage 4: tasks, progress updates, indicator measurements, overdue, one chart one table (F4.3, F4.4, F4.6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "jiebang.ledger"
    verbose_name = _("Ledger")
