from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "jiebang.needs"
    verbose_name = _("Needs")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        add_entries(
            "needs",
            [
                Entry(_("Pain-point heatmap"), "needs:heatmap", "needs.view_feedback", "grid-3x3"),
                Entry(
                    _("Feedback"), "needs:feedback-list", "needs.view_feedback", "chat-left-text"
                ),
                Entry(
                    _("Review queue"),
                    "needs:review-queue",
                    "needs.correct_category",
                    "check2-square",
                ),
                Entry(
                    _("Frequent complaints"),
                    "needs:cluster-list",
                    "needs.view_feedback",
                    "collection",
                ),
                Entry(_("Hotline import"), "needs:import-list", "needs.import_feedback", "upload"),
                Entry(
                    _("Field survey record"),
                    "needs:survey-create",
                    "needs.record_survey",
                    "clipboard-plus",
                ),
                Entry(_("Proposals"), "needs:proposal-list", "needs.view_proposals", "lightbulb"),
                Entry(_("Reserve pool"), "needs:reserve-pool", "needs.view_proposals", "archive"),
                Entry(_("Categories"), "needs:category-list", "needs.manage_categories", "tags"),
            ],
        )
