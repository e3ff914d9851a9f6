"""Role predicates shared by every app, and the permissions of the shell itself."""

import rules

from .roles import Role
from .scoping import user_scope


def _has_role(*roles):
    names = {r.value for r in roles}

    @rules.predicate(name=f"has_role_{'_'.join(sorted(names))}")
    def predicate(user):
        return user.is_authenticated and user.is_active and user.role in names

    return predicate


is_city_admin = _has_role(Role.CITY_ADMIN)
is_task_force = _has_role(Role.TASK_FORCE)
is_city_staff = _has_role(Role.CITY_ADMIN, Role.TASK_FORCE)
is_county_bureau = _has_role(Role.COUNTY_BUREAU)
is_unit = _has_role(Role.UNIT)
is_expert = _has_role(Role.EXPERT)
is_panel = _has_role(Role.PANEL)


def unit_of(user) -> int | None:
    """The institution a user acts for: a unit user's own, nobody else's (an expert or a panel
    member is not their hospital; see orgs.User.compute_scope)."""
    return user_scope(user).unit_id


@rules.predicate
def has_institution(user):
    return unit_of(user) is not None


def project_of(obj):
    """The project behind a project or a row that carries one (task, figure, letter, case…)."""
    if obj is None:
        return None
    return getattr(obj, "project", None) or obj


@rules.predicate
def implements_project(user, obj):
    """The user is a unit user of the unit implementing the project (of `obj`)."""
    project = project_of(obj)
    unit = unit_of(user)
    return project is not None and unit is not None and project.implementing_unit_id == unit


@rules.predicate
def is_practice_panel_eligible(user):
    """Heads of county hospitals and sub-centres form the practice panel (实践论证团)."""
    institution = user.institution if user.is_authenticated else None
    return bool(
        user.is_authenticated
        and user.role == Role.UNIT
        and institution is not None
        and institution.kind in {"county_hospital", "sub_centre"}
    )


rules.add_perm("core.use_admin", is_city_admin)
rules.add_perm("core.view_audit", is_city_admin)

# Which of the six stages each role works in (SPEC §2 and §4).
STAGE_ACCESS = {
    "needs": is_city_staff | is_county_bureau | is_expert | is_practice_panel_eligible,
    "publish": is_city_staff | is_county_bureau | is_unit,
    "compete": is_city_staff | is_county_bureau | is_unit | is_expert | is_panel,
    "accountability": is_city_staff | is_county_bureau | is_unit,
    "supervision": is_city_staff | is_county_bureau | is_unit,
    "evaluation": is_city_staff | is_county_bureau | is_unit | is_expert | is_panel,
}
for _slug, _predicate in STAGE_ACCESS.items():
    rules.add_perm(f"core.use_stage_{_slug}", _predicate)
