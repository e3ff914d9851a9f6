"""Stage 6 评榜提质 spread and effect (F6.2–F6.4): the four-step promotion of excellent
projects, their replication by other institutions, before/after effect measurement, policy
documents built from projects, and reach (media, speeches, visiting delegations)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "jiebang.impact"
    verbose_name = _("Promotion and effect")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        add_entries(
            "evaluation",
            [
                Entry(
                    _("Four-step promotion"),
                    "impact:promotion-list",
                    "impact.view_promotions",
                    "signpost-split",
                ),
                Entry(
                    _("Effect measurement"),
                    "impact:effect-list",
                    "impact.view_effects",
                    "graph-down-arrow",
                ),
                Entry(
                    _("Policy documents"),
                    "impact:policy-list",
                    "impact.view_policies",
                    "journal-text",
                ),
                Entry(
                    _("Reach"),
                    "impact:reach-list",
                    "impact.view_reach",
                    "broadcast",
                ),
            ],
        )
