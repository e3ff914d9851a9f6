"""Who may do what in experience supervision (F5.3): city staff everywhere, a county bureau for
the events held in its county, a unit views the events it hosts."""

import rules

from jiebang.core.rules import has_institution, is_city_staff, is_county_bureau, is_unit
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Region


def region_of(target) -> Region | None:
    """The region an event (or a suggestion's or invitee's event) is held in; a Region is its
    own."""
    if target is None or isinstance(target, Region):
        return target
    event = getattr(target, "event", target)
    return event.region


@rules.predicate
def is_in_own_county(user, target):
    """The event (or the region given for a new one) lies in the county bureau's county; with
    nothing given, true (the bureau may record events of its county)."""
    path = user_scope(user).region_path
    if not path:
        return False
    if target is None:
        return True
    region = region_of(target)
    return region is not None and region.path.startswith(path)


is_staff_of_event = is_city_staff | (is_county_bureau & is_in_own_county)

rules.add_perm(
    "experience.view_events", is_city_staff | is_county_bureau | (is_unit & has_institution)
)
# Running an event: creating and editing it, its invitees, the visit record, the suggestions.
rules.add_perm("experience.manage_event", is_staff_of_event)
# Invitees' phones are for those who run the event only.
rules.add_perm("experience.view_invitee_contact", is_staff_of_event)
rules.add_perm("experience.decide_suggestion", is_staff_of_event)
