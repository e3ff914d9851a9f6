"""Who may do what with promotion, replication, effects, policy documents and reach (F6.2–F6.4).

City staff (the admin and the task force) run the promotion of excellent projects, record
adoptions, policy documents and reach, and decide the intervention date of an effect; the owner
of a step starts and finishes it; an adopting unit records its own monthly values (it owns
those figures, as a unit owns its ledger). County bureaus and units read what lies in their
scope (the querysets' visible_to); experts and panel members read the policy documents."""

import rules

from jiebang.core.rules import (
    has_institution,
    is_city_staff,
    is_county_bureau,
    is_expert,
    is_panel,
    is_unit,
    unit_of,
)


@rules.predicate
def is_step_owner(user, step):
    """The user owns the step (with no step given: never)."""
    return step is not None and step.owner_id is not None and step.owner_id == user.pk


@rules.predicate
def is_adopting_unit(user, adoption):
    """The user is a unit user of the institution that adopted the model."""
    unit = unit_of(user)
    return adoption is not None and unit is not None and adoption.institution_id == unit


READERS = is_city_staff | is_county_bureau | (is_unit & has_institution)

rules.add_perm("impact.view_promotions", READERS)
rules.add_perm("impact.manage_promotions", is_city_staff)
rules.add_perm("impact.work_on_step", is_city_staff | is_step_owner)
rules.add_perm("impact.record_adoption_value", is_city_staff | (is_unit & is_adopting_unit))
rules.add_perm("impact.view_effects", READERS)
rules.add_perm("impact.set_intervention", is_city_staff)
rules.add_perm("impact.view_policies", READERS | is_expert | is_panel)
rules.add_perm("impact.manage_policies", is_city_staff)
rules.add_perm("impact.view_reach", is_city_staff | is_county_bureau)
rules.add_perm("impact.manage_reach", is_city_staff)
