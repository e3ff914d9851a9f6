"""Who may do what with the public portal: anyone reads it without an account; the city's
staff (the city admin and the task force) write its news, press-conference records and work
briefings, and publish them."""

import rules

from jiebang.core.rules import is_city_staff

rules.add_perm("portal.manage_news", is_city_staff)
rules.add_perm("portal.manage_briefings", is_city_staff)
