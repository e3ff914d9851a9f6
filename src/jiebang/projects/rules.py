"""Who may do what in stage 2."""

import rules

from jiebang.core.rules import is_city_admin


@rules.predicate
def is_authenticated(user):
    return user.is_authenticated and user.is_active


rules.add_perm("projects.view_project_list", is_authenticated)
rules.add_perm("projects.manage_projects", is_city_admin)
