"""派单: the city admin gives the published projects nobody claimed to units with the exact
engine (engine.py), inspects who gets what and why, edits pairs and confirms the run.

A unit's region is its county-level division (city-level units share the city's); its
capacity in a run is what it has left: its project capacity less the projects it already
carries (claimed, assigned, contracted or in progress).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import AssignmentPair, AssignmentRun, Claim, Competition, Project

from . import engine

# Projects a unit is carrying: they count against its capacity.
CARRIED_STATUSES = (
    Project.Status.CLAIMED,
    Project.Status.ASSIGNED,
    Project.Status.CONTRACTED,
    Project.Status.IN_PROGRESS,
)


def unclaimed_projects():
    """Published open-application projects with no open claim and no competition under way.
    A directed (委托) project is never given out by 派单: publishing gives it to its named
    unit."""
    return (
        Project.objects.filter(status=Project.Status.PUBLISHED, channel=Project.Channel.OPEN)
        .exclude(claims__status__in=Claim.OPEN_STATUSES)
        .exclude(competitions__status__in=Competition.ACTIVE_STATUSES)
        .distinct()
    )


def with_load(units):
    """Annotate `load`: how many projects each unit carries now."""
    return units.annotate(
        load=Count(
            "implemented_projects",
            filter=Q(implemented_projects__status__in=CARRIED_STATUSES),
            distinct=True,
        )
    )


def candidate_units(kinds=None, counties=None):
    """Active institutions with capacity left, optionally of these types / in these counties."""
    units = Institution.objects.filter(is_active=True, project_capacity__gt=0)
    if kinds:
        units = units.filter(kind__in=kinds)
    if counties:
        paths = Q()
        for county in counties:
            paths |= Q(region__path__startswith=county.path)
        units = units.filter(paths)
    units = with_load(units).select_related("region")
    return [u for u in units if u.project_capacity > u.load]


def county_of(regions) -> dict[int, Region]:
    """Region pk → its county-level division (or the region itself above county level)."""
    regions = list(regions)
    codes = {code for r in regions if r for code in r.path.strip("/").split("/")}
    counties = {
        r.code: r for r in Region.objects.filter(code__in=codes, kind__in=Region.COUNTY_LEVEL)
    }
    found = {}
    for region in regions:
        if region is None:
            continue
        code = next((c for c in region.path.strip("/").split("/") if c in counties), None)
        found[region.pk] = counties[code] if code else region
    return found


@dataclass(frozen=True)
class Weights:
    capability: float = 1.0
    locality: float = 0.5
    min_per_region: int = 0


def build_problem(projects, units, weights: Weights) -> engine.Problem:
    """The engine's problem (ids are primary keys, regions county codes), validated by
    engine.validate. Each unit's capacity is what it has left (its `load` annotation)."""
    counties = county_of([p.region for p in projects] + [u.region for u in units])
    data = {
        "projects": [
            {
                "id": p.pk,
                "priority": p.priority,
                "region": counties[p.region_id].code if p.region_id else None,
                "capabilities": list(p.capabilities),
                "eligible_types": list(p.eligible_types),
            }
            for p in projects
        ],
        "units": [
            {
                "id": u.pk,
                "region": counties[u.region_id].code,
                "type": u.kind,
                "capacity": max(0, u.project_capacity - u.load),
                "capabilities": list(u.capabilities),
            }
            for u in units
        ],
        "weights": {
            "capability": float(weights.capability),
            "locality": float(weights.locality),
            "min_per_region": int(weights.min_per_region),
        },
    }
    try:
        return engine.validate(data)
    except engine.ValidationError as e:
        raise DomainError(_("The engine refused the input: %(error)s") % {"error": e}) from e


def _pair_fields(project: Project, unit: Institution, run: AssignmentRun, counties) -> dict:
    """Score, capability match, locality and matched tags of one pair (the engine's rule)."""
    weights = engine.Weights(run.weight_capability, run.weight_locality, run.min_per_region)
    p_region = counties[project.region_id].code if project.region_id else None
    engine_project = engine.Project(
        project.pk,
        project.priority,
        p_region,
        frozenset(project.capabilities),
        frozenset(project.eligible_types),
    )
    engine_unit = engine.Unit(
        unit.pk, counties[unit.region_id].code, unit.kind, 1, frozenset(unit.capabilities)
    )
    matched = sorted(engine_project.capabilities & engine_unit.capabilities)
    return {
        "score": round(engine.score(engine_project, engine_unit, weights), 6),
        "capability_match": len(matched) / max(1, len(engine_project.capabilities)),
        "is_local": p_region is None or p_region == engine_unit.region,
        "matched_capabilities": matched,
    }


@transaction.atomic
def run_assignment(*, acting_user, projects, units, weights: Weights) -> AssignmentRun:
    """The city admin runs the engine on unclaimed published projects and units with capacity
    left; the run keeps the problem, the optimal plan (with why for each pair) and the greedy
    baseline's objective. DomainError without projects or units, or for a claimed or directed
    project."""
    require_perm(acting_user, "projects.manage_assignment")
    projects = list(projects)
    units = list(with_load(Institution.objects.filter(pk__in=[u.pk for u in units])))
    if not projects:
        raise DomainError(_("Choose at least one project."))
    if not units:
        raise DomainError(_("Choose at least one unit with capacity left."))
    _refuse_directed(projects)
    open_ids = set(unclaimed_projects().values_list("pk", flat=True))
    taken = [str(p) for p in projects if p.pk not in open_ids]
    if taken:
        raise DomainError(
            _("Not unclaimed published projects: %(projects)s.") % {"projects": "、".join(taken)}
        )
    if weights.capability < 0 or weights.locality < 0 or weights.min_per_region < 0:
        raise DomainError(_("The weights must not be negative."))
    problem = build_problem(projects, units, weights)
    plan = engine.solve(problem)
    baseline = engine.greedy(problem)
    run = AssignmentRun(
        weight_capability=weights.capability,
        weight_locality=weights.locality,
        min_per_region=weights.min_per_region,
        solver_status=plan.status,
        solver_note=plan.note,
        engine_objective=plan.objective,
        objective=plan.objective,
        greedy_objective=baseline.objective,
        solve_seconds=plan.seconds,
        created_by=acting_user,
    )
    run._history_user = acting_user
    run.save()
    run.projects.set(projects)
    run.units.set(units)
    project_of = {p.pk: p for p in projects}
    unit_of = {u.pk: u for u in units}
    counties = county_of([p.region for p in projects] + [u.region for u in units])
    bulk_create_with_history(
        [
            AssignmentPair(
                run=run,
                project=project_of[a.project],
                unit=unit_of[a.unit],
                engine_unit=unit_of[a.unit],
                **_pair_fields(project_of[a.project], unit_of[a.unit], run, counties),
            )
            for a in plan.assignments
        ],
        AssignmentPair,
        default_user=acting_user,
    )
    return run


def _require_proposed(run: AssignmentRun) -> None:
    if run.is_frozen:
        raise DomainError(_("This run is confirmed and can no longer be changed."))


def _refuse_directed(projects) -> None:
    """DomainError naming the directed (委托) projects among `projects`: their unit is the one
    the list names, never the engine's (a run proposed before publishing moved them, or
    tampered with, must not overwrite it)."""
    directed = [str(p) for p in projects if p.channel == Project.Channel.DIRECTED]
    if directed:
        raise DomainError(
            _(
                "%(projects)s: a directed commission (委托) keeps the unit the list names; "
                "派单 cannot include it or change its unit."
            )
            % {"projects": "、".join(directed)}
        )


def _left(unit: Institution, run: AssignmentRun, *, besides: Project | None = None) -> int:
    """How many more projects `unit` can take in `run` (its capacity less what it carries
    and what the run already gives it, `besides` one project)."""
    load = unit.implemented_projects.filter(status__in=CARRIED_STATUSES).count()
    in_run = run.pairs.filter(unit=unit).exclude(project=besides).count()
    return unit.project_capacity - load - in_run


def region_shortfalls(run: AssignmentRun) -> list[str]:
    """Counties of the run's units holding fewer than min_per_region projects (after edits)."""
    if not run.min_per_region:
        return []
    units = list(run.units.select_related("region"))
    counties = county_of([u.region for u in units])
    held = {}
    for pair in run.pairs.select_related("unit"):
        county = counties[pair.unit.region_id]
        held[county] = held.get(county, 0) + 1
    wanted = min(run.min_per_region, run.projects.count())
    short = {counties[u.region_id] for u in units if held.get(counties[u.region_id], 0) < wanted}
    return sorted(str(c) for c in short)


@transaction.atomic
def reassign(run: AssignmentRun, project: Project, unit: Institution | None, *, acting_user):
    """The city admin gives one project of a proposed run to another of its units (None: leave
    it unassigned); the pair's score and the run's objective are recomputed. DomainError if
    the run is confirmed, the project is directed (委托), the unit's type is not eligible or
    its capacity would be exceeded.
    Returns the pair (or None) and warnings (counties now below the regional floor)."""
    require_perm(acting_user, "projects.manage_assignment", run)
    run = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    _require_proposed(run)
    if not run.projects.filter(pk=project.pk).exists():
        raise DomainError(_("This project is not part of the run."))
    _refuse_directed([project])
    pair = run.pairs.filter(project=project).first()
    if unit is None:
        if pair is not None:
            pair._history_user = acting_user
            pair.delete()
        pair = None
    else:
        unit = Institution.objects.select_for_update().get(pk=unit.pk)  # its capacity as stored
        _check_unit(run, project, unit)
        counties = county_of([project.region, unit.region])
        fields = _pair_fields(project, unit, run, counties)
        if pair is None:
            pair = AssignmentPair(run=run, project=project, **fields)
        for name, value in fields.items():
            setattr(pair, name, value)
        pair.unit = unit
        pair.is_edited = pair.engine_unit_id != unit.pk
        pair._history_user = acting_user
        pair.save()
    run.objective = round(sum(run.pairs.values_list("score", flat=True)), 6)
    run._history_user = acting_user
    run.save(update_fields=["objective"])
    shortfalls = region_shortfalls(run)
    warnings = []
    if shortfalls:
        warnings.append(
            _("Now below %(floor)s projects: %(counties)s.")
            % {"floor": run.min_per_region, "counties": "、".join(shortfalls)}
        )
    return pair, warnings


def _check_unit(run: AssignmentRun, project: Project, unit: Institution) -> None:
    if not run.units.filter(pk=unit.pk).exists():
        raise DomainError(_("%(unit)s is not one of the run's units.") % {"unit": unit})
    if project.eligible_types and unit.kind not in project.eligible_types:
        raise DomainError(
            _("%(unit)s is a %(type)s; this project accepts only: %(types)s.")
            % {
                "unit": unit,
                "type": unit.get_kind_display(),
                "types": "、".join(str(Institution.Kind(k).label) for k in project.eligible_types),
            }
        )
    left = _left(unit, run, besides=project)
    if left <= 0:
        raise DomainError(
            _(
                "%(unit)s would exceed its capacity of %(capacity)s projects: it carries "
                "%(load)s and this run already gives it %(in_run)s."
            )
            % {
                "unit": unit,
                "capacity": unit.project_capacity,
                "load": unit.implemented_projects.filter(status__in=CARRIED_STATUSES).count(),
                "in_run": run.pairs.filter(unit=unit).exclude(project=project).count(),
            }
        )


@dataclass(frozen=True)
class Option:
    unit: Institution
    score: float
    left: int  # projects it could still take in this run, besides this one


def unit_options(run: AssignmentRun, project: Project) -> list[Option]:
    """The run's units that could take `project` instead: of an eligible type, with capacity
    left in the run (besides this project), best score first."""
    units = list(with_load(run.units.all()).select_related("region"))
    in_run = dict(
        run.pairs.exclude(project=project)
        .values_list("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    counties = county_of([project.region] + [u.region for u in units])
    options = []
    for unit in units:
        if project.eligible_types and unit.kind not in project.eligible_types:
            continue
        left = unit.project_capacity - unit.load - in_run.get(unit.pk, 0)
        if left > 0:
            score = _pair_fields(project, unit, run, counties)["score"]
            options.append(Option(unit, score, left))
    options.sort(key=lambda o: (-o.score, o.unit.name))
    return options


def why(pair: AssignmentPair) -> str:
    """The human reason for a pair: the capabilities it matched and whether it is local."""
    tags = "、".join(pair.matched_capabilities) or _("no capability matched")
    if pair.project.region_id is None:
        where = _("city-wide project")
    elif pair.is_local:
        where = _("local unit")
    else:
        where = _("unit outside the project's county")
    return _("matched: %(tags)s; %(where)s") % {"tags": tags, "where": where}


@transaction.atomic
def confirm_run(run: AssignmentRun, *, acting_user) -> AssignmentRun:
    """The city admin confirms a proposed run: each paired project moves to assigned with its
    unit as the implementing unit, and the run is frozen. DomainError if a project is directed,
    was claimed or assigned meanwhile, or a unit's capacity would now be exceeded."""
    require_perm(acting_user, "projects.manage_assignment", run)
    run = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    _require_proposed(run)
    pairs = list(run.pairs.select_related("project__region", "unit"))
    if not pairs:
        raise DomainError(_("The run gives no project to any unit."))
    _refuse_directed([pair.project for pair in pairs])
    open_ids = set(unclaimed_projects().values_list("pk", flat=True))
    for pair in pairs:
        if pair.project_id not in open_ids:
            raise DomainError(
                _("%(project)s is no longer an unclaimed published project.")
                % {"project": pair.project}
            )
        if _left(pair.unit, run, besides=pair.project) <= 0:
            raise DomainError(
                _("%(unit)s no longer has capacity for %(project)s.")
                % {"unit": pair.unit, "project": pair.project}
            )
    for pair in pairs:
        project = Project.objects.select_for_update().get(pk=pair.project_id)
        project.implementing_unit = pair.unit
        project._history_user = acting_user
        project.save(update_fields=["implementing_unit"])
        reason = _("Assigned by assignment run #%(number)s to %(unit)s (score %(score)s; %(why)s).")
        project.move_to(
            Project.Status.ASSIGNED,
            by=acting_user,
            reason=reason
            % {
                "number": run.pk,
                "unit": pair.unit,
                "score": f"{pair.score:.2f}",
                "why": why(pair),
            },
        )
    run.status = AssignmentRun.Status.CONFIRMED
    run.confirmed_by = acting_user
    run.confirmed_at = timezone.now()
    run._history_user = acting_user
    run.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return run


@transaction.atomic
def update_unit_profile(
    unit: Institution, *, acting_user, capabilities: list[str], project_capacity: int
) -> Institution:
    """The city admin sets a unit's capability tags and project capacity for 派单."""
    require_perm(acting_user, "projects.manage_assignment", unit)
    if project_capacity < 0:
        raise DomainError(_("The capacity must not be negative."))
    unit = Institution.objects.select_for_update().get(pk=unit.pk)
    unit.capabilities = list(dict.fromkeys(t.strip() for t in capabilities if t.strip()))
    unit.project_capacity = project_capacity
    unit._history_user = acting_user
    unit.save(update_fields=["capabilities", "project_capacity"])
    return unit
