from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "jiebang.projects"
    verbose_name = _("Projects")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        add_entries(
            "publish",
            [
                Entry(
                    _("Projects"), "projects:project-list", "projects.view_project_list", "kanban"
                ),
                Entry(_("Lists"), "projects:list-index", "projects.view_project_list", "megaphone"),
                Entry(
                    _("New project"),
                    "projects:project-create",
                    "projects.manage_projects",
                    "plus-square",
                ),
                Entry(
                    _("Reform dimensions"),
                    "projects:dimension-list",
                    "projects.manage_dimensions",
                    "tags",
                ),
            ],
        )
        add_entries(
            "compete",
            [
                Entry(_("Claims"), "projects:claim-list", "projects.view_claims", "hand-index"),
                Entry(
                    _("My projects"),
                    "projects:my-projects",
                    "projects.view_own_projects",
                    "briefcase",
                ),
                Entry(
                    _("Competitions"),
                    "projects:competition-list",
                    "projects.view_competitions",
                    "trophy",
                ),
                Entry(
                    _("Assignment"),
                    "projects:assign-index",
                    "projects.view_assignment",
                    "diagram-2",
                ),
                Entry(
                    _("Green channel"),
                    "projects:case-list",
                    "projects.view_green_channel",
                    "signpost-split",
                ),
            ],
        )
