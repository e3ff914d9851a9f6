"""Who may see and change the assessment points."""

import rules

from jiebang.core.rules import (
    has_institution,
    is_city_admin,
    is_city_staff,
    is_county_bureau,
    is_unit,
)

# Units see their own row and breakdown, county bureaus their county, city staff everything;
# the views scope the rows with Institution.objects.visible_to.
rules.add_perm(
    "assessment.view_points", is_city_staff | is_county_bureau | (is_unit & has_institution)
)
rules.add_perm("assessment.manage_rules", is_city_admin)
rules.add_perm("assessment.record_recognition", is_city_admin)
