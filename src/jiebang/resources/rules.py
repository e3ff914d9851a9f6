"""Who may do what in the resource pool (F3.3)."""

import rules

from jiebang.core.rules import is_city_staff, is_county_bureau, is_expert, is_unit
from jiebang.core.scoping import user_scope


@rules.predicate
def is_own_expert(user, expert):
    """The expert record is linked to the user's account; with no expert given, the user
    has such a record at all (for the "record advice" button)."""
    if expert is None:
        return hasattr(user, "expert_profile")
    return expert.user_id == user.pk


@rules.predicate
def is_in_own_county(user, target):
    """The event (or the region an event is held in) lies in the county bureau's county;
    with nothing given, true (the bureau may record events of its county)."""
    path = user_scope(user).region_path
    if not path:
        return False
    if target is None:
        return True
    region = getattr(target, "region", target)
    return region is not None and region.path.startswith(path)


# 专家智库: the directory is open to those who work with projects; contact data and changes
# are for city staff.
rules.add_perm("resources.view_experts", is_city_staff | is_county_bureau | is_unit | is_expert)
rules.add_perm("resources.view_expert_contact", is_city_staff)
rules.add_perm("resources.manage_experts", is_city_staff)
rules.add_perm("resources.assign_expert", is_city_staff)
rules.add_perm("resources.record_advice", is_city_staff | (is_expert & is_own_expert))

# 兴聊号直通车: county bureaus record their county's events, city staff all.
rules.add_perm("resources.view_events", is_city_staff | is_county_bureau)
rules.add_perm("resources.record_event", is_city_staff | (is_county_bureau & is_in_own_county))
