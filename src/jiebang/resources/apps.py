"""Resource pool: expert think tank and training events (stage 3, F3.3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "jiebang.resources"
    verbose_name = _("Resources")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        add_entries(
            "compete",
            [
                Entry(
                    _("Expert think tank"),
                    "resources:expert-list",
                    "resources.view_experts",
                    "mortarboard",
                ),
                Entry(
                    _("Xingliao outreach"),
                    "resources:event-list",
                    "resources.view_events",
                    "truck",
                ),
            ],
        )
