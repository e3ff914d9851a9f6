"""Who may do what with the two ledgers (F4.3): the implementing unit decomposes its project
and reports; the county bureau of the unit's county or the task force confirms; the city
never reports a figure on the unit's behalf."""

import rules

from jiebang.core.rules import (
    has_institution,
    implements_project,
    is_city_staff,
    is_county_bureau,
    is_task_force,
    is_unit,
    project_of,
)
from jiebang.core.scoping import user_scope

is_implementing_unit = implements_project


@rules.predicate
def is_unit_county(user, obj):
    """The implementing unit lies in the user's county (the bureau that confirms)."""
    project = project_of(obj)
    path = user_scope(user).region_path
    return (
        bool(path)
        and project is not None
        and project.implementing_unit_id is not None
        and project.implementing_unit.region.path.startswith(path)
    )


rules.add_perm("ledger.view_ledger", is_city_staff | is_county_bureau | (is_unit & has_institution))
rules.add_perm("ledger.manage_tasks", is_city_staff | (is_unit & is_implementing_unit))
rules.add_perm("ledger.report_progress", is_unit & is_implementing_unit)
rules.add_perm("ledger.review_figure", is_task_force | (is_county_bureau & is_unit_county))
# After the letter the unit asks for a new deadline; whoever confirms its figures decides.
rules.add_perm("ledger.request_deadline_change", is_unit & is_implementing_unit)
rules.add_perm("ledger.accept_task", is_task_force)
rules.add_perm("ledger.complete_project", is_task_force)
rules.add_perm("ledger.import_tasks", is_city_staff | (is_unit & has_institution))
