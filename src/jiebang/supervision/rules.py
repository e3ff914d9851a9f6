"""Who may do what with public tickets and service windows (F5.2, F5.4): the unit a ticket is
routed to answers it; the county bureau of the ticket's county routes, re-routes and checks;
city staff do both everywhere (the task force checks for city-level units); the city admin
sets the deadlines per aspect and the partners' API keys."""

import rules

from jiebang.core.rules import (
    has_institution,
    is_city_admin,
    is_city_staff,
    is_county_bureau,
    is_unit,
    unit_of,
)
from jiebang.core.scoping import user_scope


def _in_county(user, region) -> bool:
    path = user_scope(user).region_path
    return bool(path) and region is not None and region.path.startswith(path)


@rules.predicate
def in_ticket_county(user, ticket):
    return ticket is not None and _in_county(user, ticket.region)


@rules.predicate
def routed_to_own_unit(user, ticket):
    return ticket is not None and ticket.unit_id is not None and ticket.unit_id == unit_of(user)


@rules.predicate
def own_window(user, obj):
    """The window (or, when adding one, the institution) is the user's unit's."""
    institution_id = getattr(obj, "institution_id", getattr(obj, "pk", None))
    return obj is not None and institution_id == unit_of(user)


@rules.predicate
def window_in_county(user, obj):
    institution = getattr(obj, "institution", obj)
    return institution is not None and _in_county(user, institution.region)


rules.add_perm(
    "supervision.view_tickets", is_city_staff | is_county_bureau | (is_unit & has_institution)
)
rules.add_perm("supervision.route_ticket", is_city_staff | (is_county_bureau & in_ticket_county))
rules.add_perm("supervision.answer_ticket", is_unit & routed_to_own_unit)
rules.add_perm("supervision.check_ticket", is_city_staff | (is_county_bureau & in_ticket_county))
rules.add_perm(
    "supervision.view_points", is_city_staff | is_county_bureau | (is_unit & has_institution)
)
rules.add_perm(
    "supervision.add_point",
    is_city_staff | (is_county_bureau & window_in_county) | (is_unit & own_window),
)
rules.add_perm(
    "supervision.change_point",
    is_city_staff | (is_county_bureau & window_in_county) | (is_unit & own_window),
)
rules.add_perm("supervision.manage_deadlines", is_city_admin)
rules.add_perm("supervision.manage_api_keys", is_city_admin)
