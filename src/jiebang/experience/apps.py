"""Stage 5 experience supervision (F5.3): open days and 改革体验官 events, their invitees,
the visit records, and each suggestion's path to adoption."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperienceConfig(AppConfig):
    name = "jiebang.experience"
    verbose_name = _("Experience supervision")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        from . import pending  # noqa: F401  (its kind of pending work)

        view = "experience.view_events"
        add_entries(
            "supervision",
            [
                Entry(_("Experience supervision"), "experience:event-list", view, "person-badge"),
                Entry(_("Experience figures"), "experience:figures", view, "clipboard-data"),
            ],
        )
