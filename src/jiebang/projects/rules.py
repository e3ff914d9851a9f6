"""Who may do what in stage 2."""

import rules

from jiebang.core.rules import (
    has_institution,
    is_city_admin,
    is_city_staff,
    is_county_bureau,
    is_expert,
    is_panel,
    is_task_force,
    is_unit,
    unit_of,
)
from jiebang.core.scoping import user_scope


@rules.predicate
def is_authenticated(user):
    return user.is_authenticated and user.is_active


rules.add_perm("projects.view_project_list", is_authenticated)
rules.add_perm("projects.manage_projects", is_city_admin)
# The nine reform dimensions (改革维度) are the city admin's list (SPEC F2.1).
rules.add_perm("projects.manage_dimensions", is_city_admin)


@rules.predicate
def is_claimant(user, claim):
    """The user is a unit user of the unit that made the claim."""
    return (
        claim is not None and unit_of(user) is not None and claim.claimant_unit_id == unit_of(user)
    )


@rules.predicate
def is_claimant_county(user, claim):
    """The user's county contains the claimant unit (the county bureau that endorses)."""
    path = user_scope(user).region_path
    return bool(path) and claim is not None and claim.claimant_unit.region.path.startswith(path)


@rules.predicate
def is_city_level_claimant(user, claim):
    """The claimant unit lies above any county (e.g. the city CDC): no county bureau can
    endorse it, so the city task force does."""
    return claim is not None and claim.claimant_unit.region.county is None


rules.add_perm(
    "projects.view_claims", is_city_staff | is_county_bureau | (is_unit & has_institution)
)
rules.add_perm("projects.claim_project", is_unit & has_institution)
rules.add_perm(
    "projects.endorse_claim",
    (is_county_bureau & is_claimant_county) | (is_task_force & is_city_level_claimant),
)
rules.add_perm("projects.decide_claim", is_city_admin)
rules.add_perm("projects.withdraw_claim", is_unit & is_claimant)


# 绿色通道/直报: a unit raises a case; the task force takes, coordinates and answers it.


@rules.predicate
def is_case_owner(user, case):
    """The user is the task-force member who took the case."""
    return case is not None and case.owner_id == user.pk


rules.add_perm(
    "projects.view_green_channel",
    is_city_staff | is_county_bureau | (is_unit & has_institution),
)
rules.add_perm("projects.raise_case", is_unit & has_institution)
rules.add_perm("projects.take_case", is_task_force | is_city_admin)
rules.add_perm("projects.resolve_case", (is_task_force & is_case_owner) | is_city_admin)
rules.add_perm("projects.close_case", (is_task_force & is_case_owner) | is_city_admin)


# 竞技比武: the city admin runs competitions; the members of a competition's panel score it.


@rules.predicate
def is_on_panel(user, competition):
    """The user sits on this competition's panel."""
    return competition is not None and competition.panel.filter(pk=user.pk).exists()


@rules.predicate
def is_concluded(user, competition):
    """The competition is closed: the winner is known and the ranking final."""
    return competition is not None and competition.status == competition.Status.CLOSED


rules.add_perm(
    "projects.view_competitions",
    is_city_staff | is_county_bureau | (is_unit & has_institution) | is_panel | is_expert,
)
rules.add_perm("projects.manage_competitions", is_city_admin)
rules.add_perm("projects.score_competition", (is_panel | is_expert) & is_on_panel)
# Blind review: while sheets come in, a member sees only their own; the ranking and everyone's
# comments are for city staff, and for the panel once the competition is closed.
rules.add_perm("projects.view_competition_results", is_city_staff | (is_on_panel & is_concluded))
# Who sits on the panel is not told to the claimants before the competition closes, so that
# nobody can lobby a member; the members know each other (they sit together at the roadshow).
rules.add_perm("projects.view_competition_panel", is_city_staff | is_on_panel | is_concluded)


# 派单: the city admin runs the engine, edits and confirms; a unit sees what it was given.

rules.add_perm("projects.manage_assignment", is_city_admin)
rules.add_perm("projects.view_assignment", is_city_staff)
rules.add_perm("projects.view_own_projects", is_unit & has_institution)
