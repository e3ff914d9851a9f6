"""Who may use the workbench: everyone signed in has a queue and notifications; the city admin
sees the outbound messages and retries failed ones."""

import rules

from jiebang.core.rules import is_city_admin


@rules.predicate
def is_signed_in(user):
    return user.is_authenticated and user.is_active


rules.add_perm("workbench.view_queue", is_signed_in)
rules.add_perm("workbench.view_deliveries", is_city_admin)
