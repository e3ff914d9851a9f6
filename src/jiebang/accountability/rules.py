"""Who may do what in stage 4 accountability."""

import rules

from jiebang.core.rules import (
    has_institution,
    implements_project,
    is_city_admin,
    is_city_staff,
    is_county_bureau,
    is_task_force,
    is_unit,
    unit_of,
)


@rules.predicate
def is_unit_head(user):
    return bool(user.is_unit_head)


@rules.predicate
def is_unit_group(user, task_force):
    """The task force is the unit's own working group (单位工作专班)."""
    return task_force is not None and task_force.kind == "unit"


@rules.predicate
def is_interviewed_unit(user, interview):
    unit = unit_of(user)
    return interview is not None and unit is not None and interview.unit_id == unit


is_city_task_force = is_task_force | is_city_admin

rules.add_perm(
    "accountability.view_accountability",
    is_city_staff | is_county_bureau | (is_unit & has_institution),
)
rules.add_perm("accountability.generate_letter", is_city_staff)
# Only the head of the implementing unit confirms its letter (signs for the unit).
rules.add_perm("accountability.confirm_letter", is_unit & is_unit_head & implements_project)
rules.add_perm("accountability.mark_signed_on_site", is_city_staff)
# The city guidance group is run by the task force; the unit's group also by the unit itself.
rules.add_perm(
    "accountability.manage_task_force",
    is_city_task_force | (is_unit & implements_project & is_unit_group),
)
rules.add_perm("accountability.take_showing", is_city_task_force)
rules.add_perm("accountability.record_interview", is_city_task_force)
rules.add_perm("accountability.submit_rectification", is_unit & is_interviewed_unit)
# The ledger lets the task force alone accept tasks (验收), so it alone accepts here too.
rules.add_perm("accountability.accept_rectification", is_task_force)
rules.add_perm("accountability.view_escalation", is_city_staff | is_county_bureau)
