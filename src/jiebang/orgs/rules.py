"""Who may see and change the organisation tree."""

import rules

from jiebang.core.rules import is_city_admin, is_city_staff, is_county_bureau, is_unit
from jiebang.core.scoping import user_scope


@rules.predicate
def in_user_county(user, institution):
    """The institution lies in the county the (bureau) user oversees."""
    path = user_scope(user).region_path
    return bool(path) and institution.region.path.startswith(path)


rules.add_perm("orgs.view_institution_list", is_city_staff | is_county_bureau | is_unit)
rules.add_perm("orgs.view_region_list", is_city_staff | is_county_bureau)
rules.add_perm("orgs.add_institution", is_city_admin | is_county_bureau)
rules.add_perm("orgs.change_institution", is_city_admin | (is_county_bureau & in_user_county))
