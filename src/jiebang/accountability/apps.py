"""Stage 4 揭榜明责 accountability: responsibility letters, task forces, minutes, monthly
showings, interviews → rectification → acceptance (F4.1, F4.2, F4.5, F4.6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "jiebang.accountability"
    verbose_name = _("Accountability")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        view = "accountability.view_accountability"
        add_entries(
            "accountability",
            [
                Entry(_("Responsibility letters"), "accountability:letter-list", view, "pen"),
                Entry(_("Task forces"), "accountability:project-list", view, "people"),
                Entry(
                    _("Interviews and rectification"),
                    "accountability:interview-list",
                    view,
                    "chat-square-text",
                ),
                Entry(
                    _("Monthly progress showing"),
                    "accountability:showing",
                    view,
                    "bar-chart-steps",
                ),
            ],
        )
