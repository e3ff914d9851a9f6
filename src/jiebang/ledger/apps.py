"""The two ledgers of stage 4: tasks, progress updates, indicator measurements, overdue,
one chart one table (F4.3, F4.4, F4.6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "jiebang.ledger"
    verbose_name = _("Ledger")

    def ready(self):
        from jiebang.assessment.models import PointRule
        from jiebang.assessment.points import register_source
        from jiebang.core.navigation import Entry, add_entries

        from .points import overdue_tasks

        register_source(PointRule.Kind.OVERDUE_TASK, overdue_tasks)

        add_entries(
            "accountability",
            [
                Entry(_("Task ledger"), "ledger:task-list", "ledger.view_ledger", "list-task"),
                Entry(
                    _("One chart, one table"),
                    "ledger:programme-chart",
                    "ledger.view_ledger",
                    "bar-chart-steps",
                ),
            ],
        )
