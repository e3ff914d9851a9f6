"""Assessment points: admin-defined rules computing each unit's yearly points (F2.4)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "jiebang.assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        add_entries(
            "publish",
            [
                Entry(
                    _("Assessment points"), "assessment:ranking", "assessment.view_points", "trophy"
                ),
                Entry(
                    _("Point rules"), "assessment:rule-list", "assessment.manage_rules", "sliders"
                ),
            ],
        )
