"""Who may do what in the evaluation (F6.1). Blind review as in 竞技比武: a rater sees and
changes only their own sheets; the live ranking and everyone's scores are the city's; the
panel sees the ranking once scoring is closed."""

import rules

from jiebang.core.rules import (
    has_institution,
    is_city_admin,
    is_city_staff,
    is_county_bureau,
    is_expert,
    is_panel,
    is_unit,
)


@rules.predicate
def is_open_for_nominations(user, round_):
    """The round takes nominations (no round given: the question is about the role only)."""
    return round_ is None or round_.status == round_.Status.NOMINATING


@rules.predicate
def sits_on_panel(user, round_):
    """The user has a seat on the round's panel."""
    return round_ is not None and round_.members.filter(user=user.pk).exists()


@rules.predicate
def is_over(user, round_):
    """Scoring is closed (or the top ten published)."""
    return round_ is not None and round_.is_over


@rules.predicate
def is_own_sheet(user, sheet):
    """The sheet is the user's to fill in."""
    return sheet is not None and sheet.rater_id == user.pk


@rules.predicate
def is_own_seat(user, member):
    """The panel seat is the user's."""
    return member is not None and member.user_id == user.pk


@rules.predicate
def is_nominator(user, nomination):
    """The user made the nomination."""
    return nomination is not None and nomination.nominated_by_id == user.pk


is_rater = is_panel | is_expert

rules.add_perm(
    "evaluation.view_evaluation",
    is_city_staff | is_county_bureau | (is_unit & has_institution) | is_rater,
)
rules.add_perm("evaluation.manage_rounds", is_city_admin)
# Units nominate their own projects, a county bureau those of its county, the city admin any.
rules.add_perm(
    "evaluation.nominate",
    ((is_unit & has_institution) | is_county_bureau | is_city_admin) & is_open_for_nominations,
)
rules.add_perm("evaluation.withdraw_nomination", is_nominator | is_city_admin)
rules.add_perm("evaluation.screen_nominations", is_city_admin)
rules.add_perm("evaluation.record_verification", is_city_staff)
# Everyone's scores and the live ranking: city staff. The panel: the ranking once closed.
rules.add_perm("evaluation.view_sheets", is_city_staff)
rules.add_perm("evaluation.view_ranking", is_city_staff | (sits_on_panel & is_over))
rules.add_perm("evaluation.view_panel", is_city_staff | sits_on_panel)
rules.add_perm("evaluation.score", is_rater & is_own_sheet)
rules.add_perm("evaluation.view_scoring", is_rater & sits_on_panel)
# A filled Excel sheet: the rater imports it, or the city admin for a rater who scored on
# paper or offline (the history records who entered it).
rules.add_perm("evaluation.use_sheet_file", (is_rater & is_own_seat) | is_city_admin)
rules.add_perm("evaluation.publish_top_ten", is_city_admin)
