"""Stage 5 public portal 改革进行时 (F5.1): the published lists and projects, news items, press
conferences and work briefings (工作简报), open to anyone without an account."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The records the public pages show: a save or delete of any of them invalidates the pages'
# cache (portal/cache.py). Task and Dimension too: a project's progress and its dimension's
# name are on its page.
SHOWN_MODELS = [
    "projects.Project",
    "projects.ProjectList",
    "projects.Indicator",
    "projects.Milestone",
    "projects.Dimension",
    "ledger.Task",
    "ledger.IndicatorMeasurement",
    "ledger.ProgressUpdate",
    "portal.NewsItem",
    "portal.Briefing",
    "evaluation.EvaluationRound",
    "evaluation.TopTenEntry",
]
# Public tickets arrive all day (every QR scan): only a change the pages show at once — a reply
# made public, a ticket dismissed or reopened — invalidates them; new tickets and ratings reach
# the figures when the cached pages expire (cache.PAGE_TIMEOUT).
SHOWN_RELATIONS = ["projects.Project.coverage_regions", "portal.Briefing.projects"]


class PortalConfig(AppConfig):
    name = "jiebang.portal"
    verbose_name = _("Public portal")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from jiebang.core.navigation import Entry, add_entries

        from .cache import bump, bump_for_ticket

        for label in SHOWN_MODELS:
            model = apps.get_model(label)
            post_save.connect(bump, sender=model, dispatch_uid=f"portal-bump-save-{label}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"portal-bump-delete-{label}")
        post_save.connect(
            bump_for_ticket, sender=apps.get_model("supervision.Ticket"), dispatch_uid="portal-t"
        )
        for path in SHOWN_RELATIONS:
            app_label, model_name, field = path.split(".")
            through = getattr(apps.get_model(app_label, model_name), field).through
            m2m_changed.connect(bump, sender=through, dispatch_uid=f"portal-bump-m2m-{path}")

        add_entries(
            "supervision",
            [
                Entry(
                    _("News and press conferences"),
                    "portal:news-manage",
                    "portal.manage_news",
                    "newspaper",
                ),
                Entry(
                    _("Work briefings"),
                    "portal:briefing-manage",
                    "portal.manage_briefings",
                    "journal-text",
                ),
            ],
        )
