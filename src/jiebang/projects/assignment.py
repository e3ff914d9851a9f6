"""派单 (assign): the exact project-to-unit assignment engine. Pure Python + NumPy/SciPy, no Django.

    match(p, u) = |p.capabilities ∩ u.capabilities| / max(1, |p.capabilities|)
    local(p, u) = 1 if p.region is null or p.region == u.region, else 0
    score(p, u) = p.priority × (capability × match + locality × local)

A pair is allowed only if p.eligible_types is empty or holds u.type. `solve` maximises the total
score of the chosen pairs with each project on at most one unit, each unit within its capacity
and every region that has units receiving at least `min_per_region` projects (a project counts
for its unit's region). If that floor cannot be met it says so and solves without it.

Why this is fast and exact. The constraint matrix is the incidence matrix of two laminar families
(projects; units nested inside regions), so it is totally unimodular with or without the regional
floor: the problem is a min-cost flow, its LP optimum is integral, and HiGHS closes it at the root
node of `scipy.optimize.milp`. Only the pairs that can matter are handed to the solver:
disallowed pairs and units without capacity never; pairs with a positive score always; pairs
with score ≤ 0 only when a floor m > 0 is asked for, and then only the m best of them for each
(project, region). That last cut is safe: take an optimal plan and drop non-positive pairs from
regions holding more than m projects (the floor still holds, the total does not fall); now a
region with a non-positive pair holds exactly m projects, so at most m − 1 of its units are used
by the others, and a project on a non-positive pair outside its kept m can move to a kept, unused
unit of the same region with a score at least as high.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

OPTIMAL = "optimal"
OPTIMAL_WITHOUT_BALANCE = "optimal_without_balance"
# The solver stopped at its time limit: the plan is the best one found, not proven optimal.
TIME_LIMIT = "time_limit"
TIME_LIMIT_WITHOUT_BALANCE = "time_limit_without_balance"
GREEDY = "greedy"
GREEDY_WITHOUT_BALANCE = "greedy_without_balance"

DEFAULT_TIME_LIMIT = 60.0
# Cells of the dense (projects × units) block scored at a time: bounds memory at a few tens of MB.
CHUNK_CELLS = 1 << 21


class ValidationError(ValueError):
    """The input does not follow the format; `path` names the bad field, e.g. projects[3].id."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Project:
    id: str | int
    priority: float
    region: str | None
    capabilities: frozenset[str]
    eligible_types: frozenset[str]


@dataclass(frozen=True)
class Unit:
    id: str | int
    region: str
    type: str
    capacity: int
    capabilities: frozenset[str]


@dataclass(frozen=True)
class Weights:
    capability: float
    locality: float
    min_per_region: int


@dataclass(frozen=True)
class Problem:
    projects: tuple[Project, ...]
    units: tuple[Unit, ...]
    weights: Weights

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions that have units, in order of first appearance: the floor applies to each."""
        return tuple(dict.fromkeys(u.region for u in self.units))


@dataclass(frozen=True)
class Assignment:
    project: str | int
    unit: str | int
    score: float


@dataclass(frozen=True)
class Plan:
    status: str
    objective: float
    assignments: tuple[Assignment, ...]
    unassigned: tuple[str | int, ...]
    note: str = ""  # why the status is not plain "optimal", for the operator
    seconds: float = 0.0

    def to_json(self) -> dict:
        """The output format: status, objective, assignments (in project order), unassigned."""
        return {
            "status": self.status,
            "objective": self.objective,
            "assignments": [
                {"project": a.project, "unit": a.unit, "score": a.score} for a in self.assignments
            ],
            "unassigned": list(self.unassigned),
        }


# --- validation -------------------------------------------------------------------------------


def _obj(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise ValidationError(path, "must be an object")
    return value


def _get(obj: dict, key: str, path: str):
    if key not in obj:
        raise ValidationError(f"{path}.{key}" if path else key, "is required")
    return obj[key]


def _number(value, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(path, "must be a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValidationError(path, "must be a finite number")
    return number


def _count(value, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(path, "must be a non-negative integer")
    return value


def _string(value, path: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(path, "must be a string")
    return value


def _strings(value, path: str) -> frozenset[str]:
    if not isinstance(value, list):
        raise ValidationError(path, "must be a list of strings")
    return frozenset(_string(item, f"{path}[{i}]") for i, item in enumerate(value))


def _ids(items: list[dict], name: str) -> None:
    seen = set()
    for i, item in enumerate(items):
        path = f"{name}[{i}].id"
        value = _get(item, "id", f"{name}[{i}]")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValidationError(path, "must be a string or an integer")
        if value in seen:
            raise ValidationError(path, f"duplicate id {value!r}")
        seen.add(value)


def validate(data) -> Problem:
    """The Problem in `data` (parsed JSON). ValidationError naming the first bad field.

    Every key of the format is required; unknown keys are ignored. Capabilities and eligible
    types are sets: a repeated tag counts once.
    """
    data = _obj(data, "input")
    raw_projects = _get(data, "projects", "")
    if not isinstance(raw_projects, list):
        raise ValidationError("projects", "must be a list")
    raw_units = _get(data, "units", "")
    if not isinstance(raw_units, list):
        raise ValidationError("units", "must be a list")
    raw_weights = _obj(_get(data, "weights", ""), "weights")

    projects = []
    for i, raw in enumerate(raw_projects):
        path = f"projects[{i}]"
        raw = _obj(raw, path)
        _get(raw, "id", path)
        region = _get(raw, "region", path)
        if region is not None:
            region = _string(region, f"{path}.region")
        projects.append(
            Project(
                id=raw["id"],
                priority=_number(_get(raw, "priority", path), f"{path}.priority"),
                region=region,
                capabilities=_strings(_get(raw, "capabilities", path), f"{path}.capabilities"),
                eligible_types=_strings(
                    _get(raw, "eligible_types", path), f"{path}.eligible_types"
                ),
            )
        )
    _ids(raw_projects, "projects")

    units = []
    for i, raw in enumerate(raw_units):
        path = f"units[{i}]"
        raw = _obj(raw, path)
        _get(raw, "id", path)
        units.append(
            Unit(
                id=raw["id"],
                region=_string(_get(raw, "region", path), f"{path}.region"),
                type=_string(_get(raw, "type", path), f"{path}.type"),
                capacity=_count(_get(raw, "capacity", path), f"{path}.capacity"),
                capabilities=_strings(_get(raw, "capabilities", path), f"{path}.capabilities"),
            )
        )
    _ids(raw_units, "units")

    weights = Weights(
        capability=_number(_get(raw_weights, "capability", "weights"), "weights.capability"),
        locality=_number(_get(raw_weights, "locality", "weights"), "weights.locality"),
        min_per_region=_count(
            _get(raw_weights, "min_per_region", "weights"), "weights.min_per_region"
        ),
    )
    return Problem(projects=tuple(projects), units=tuple(units), weights=weights)


# --- scoring ----------------------------------------------------------------------------------


def allowed(p: Project, u: Unit) -> bool:
    return not p.eligible_types or u.type in p.eligible_types


def score(p: Project, u: Unit, w: Weights) -> float:
    """The rule, pair by pair (the reference the vectorised `_pairs` must agree with)."""
    match = len(p.capabilities & u.capabilities) / max(1, len(p.capabilities))
    local = 1.0 if p.region is None or p.region == u.region else 0.0
    return p.priority * (w.capability * match + w.locality * local)


@dataclass(frozen=True)
class _Pairs:
    """Candidate pairs, sorted by (project, unit), as parallel arrays."""

    project: np.ndarray  # int32 project index
    unit: np.ndarray  # int32 unit index
    score: np.ndarray  # float64
    unit_region: np.ndarray  # int32 region index of each unit (not of each pair)
    capacity: np.ndarray  # int64 capacity of each unit


def _indicator(rows: list[frozenset[str]], vocab: dict[str, int]) -> sparse.csr_array:
    """Rows × vocab 0/1 matrix: which tags each row holds."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indices = []
    for i, tags in enumerate(rows):
        cols = sorted(vocab[t] for t in tags if t in vocab)
        indices.extend(cols)
        indptr[i + 1] = len(indices)
    data = np.ones(len(indices), dtype=np.float64)
    return sparse.csr_array(
        (data, np.asarray(indices, dtype=np.int64), indptr), shape=(len(rows), max(1, len(vocab)))
    )


def _pairs(problem: Problem, nonpositive_per_region: int) -> _Pairs:
    """Every allowed pair with a positive score, plus the best `nonpositive_per_region` pairs of
    score ≤ 0 for each (project, region); units with no capacity are left out."""
    projects, units, w = problem.projects, problem.units, problem.weights
    region_index = {r: i for i, r in enumerate(problem.regions)}
    n_regions = len(region_index)
    unit_region = np.fromiter((region_index[u.region] for u in units), np.int32, len(units))
    capacity = np.fromiter((u.capacity for u in units), np.int64, len(units))
    empty = _Pairs(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0), unit_region, capacity)
    if not projects or not units:
        return empty

    tags = {t: i for i, t in enumerate(sorted({t for u in units for t in u.capabilities}))}
    types = {t: i for i, t in enumerate(sorted({u.type for u in units}))}
    project_tags = _indicator([p.capabilities for p in projects], tags)
    unit_tags_t = _indicator([u.capabilities for u in units], tags).T.tocsc()
    project_types = _indicator([p.eligible_types for p in projects], types)
    unit_type = np.fromiter((types[u.type] for u in units), np.int64, len(units))
    restricted = np.fromiter((bool(p.eligible_types) for p in projects), bool, len(projects))
    n_caps = np.fromiter((max(1, len(p.capabilities)) for p in projects), np.float64)
    priority = np.fromiter((p.priority for p in projects), np.float64, len(projects))
    # -1: no region (local everywhere); -2: a region without units (local nowhere)
    project_region = np.fromiter(
        (-1 if p.region is None else region_index.get(p.region, -2) for p in projects), np.int32
    )
    has_capacity = capacity > 0

    out_p, out_u, out_s = [], [], []
    step = max(1, CHUNK_CELLS // len(units))
    for start in range(0, len(projects), step):
        rows = slice(start, min(start + step, len(projects)))
        overlap = (project_tags[rows] @ unit_tags_t).toarray()
        match = overlap / n_caps[rows, None]
        pr = project_region[rows, None]
        local = ((pr == -1) | (pr == unit_region[None, :])).astype(np.float64)
        # the same operations, in the same order, as `score`, so both give identical floats
        s = priority[rows, None] * (w.capability * match + w.locality * local)
        ok = (project_types[rows][:, unit_type].toarray() > 0) | ~restricted[rows, None]
        ok &= has_capacity[None, :]

        pi, ui = np.nonzero(ok & (s > 0))
        if nonpositive_per_region > 0:
            ni, nu = np.nonzero(ok & ~(s > 0))
            if len(ni):
                ns = s[ni, nu]
                nr = unit_region[nu]
                order = np.lexsort((nu, -ns, nr, ni))  # by project, region, best score, unit
                ni, nu, nr = ni[order], nu[order], nr[order]
                group = ni.astype(np.int64) * n_regions + nr
                first = np.r_[True, group[1:] != group[:-1]]
                starts = np.maximum.accumulate(np.where(first, np.arange(len(group)), 0))
                keep = np.arange(len(group)) - starts < nonpositive_per_region
                pi, ui = np.r_[pi, ni[keep]], np.r_[ui, nu[keep]]
                order = np.lexsort((ui, pi))
                pi, ui = pi[order], ui[order]
        out_p.append((pi + start).astype(np.int32))
        out_u.append(ui.astype(np.int32))
        out_s.append(s[pi, ui])
    return _Pairs(
        np.concatenate(out_p), np.concatenate(out_u), np.concatenate(out_s), unit_region, capacity
    )


def _plan(problem: Problem, pairs: _Pairs, chosen: np.ndarray, status: str, note: str) -> Plan:
    """A Plan from the chosen pair indices, in the projects' given order."""
    chosen = np.sort(chosen)  # pairs are sorted by project, so this is project order
    assignments = tuple(
        Assignment(
            project=problem.projects[pairs.project[k]].id,
            unit=problem.units[pairs.unit[k]].id,
            score=float(pairs.score[k]),
        )
        for k in chosen
    )
    taken = set(pairs.project[chosen].tolist())
    unassigned = tuple(p.id for i, p in enumerate(problem.projects) if i not in taken)
    objective = math.fsum(a.score for a in assignments)
    return Plan(status, objective, assignments, unassigned, note)


def _floor_note(problem: Problem) -> str:
    m = problem.weights.min_per_region
    return (
        f"the regional floor of {m} project(s) in each of the {len(problem.regions)} region(s) "
        "with units cannot be met; solved without it"
    )


# --- exact solve ------------------------------------------------------------------------------


def _milp(pairs: _Pairs, n_projects: int, floor: int, n_regions: int, time_limit: float):
    """(scipy status, chosen pair indices or None) of max Σ score·x over the pairs."""
    n = len(pairs.score)
    n_units = len(pairs.capacity)
    use_floor = floor > 0 and n_regions > 0
    if n == 0:
        feasible = not use_floor
        return (0 if feasible else 2), (np.zeros(0, np.int64) if feasible else None)
    rows = [pairs.project.astype(np.int64), n_projects + pairs.unit.astype(np.int64)]
    lower = [np.full(n_projects, -np.inf), np.full(n_units, -np.inf)]
    upper = [np.ones(n_projects), pairs.capacity.astype(np.float64)]
    if use_floor:
        rows.append(n_projects + n_units + pairs.unit_region[pairs.unit].astype(np.int64))
        lower.append(np.full(n_regions, float(floor)))
        upper.append(np.full(n_regions, np.inf))
    per_column = len(rows)
    a = sparse.csc_array(
        (
            np.ones(n * per_column),
            np.column_stack(rows).ravel(),
            np.arange(0, n * per_column + 1, per_column),
        ),
        shape=(sum(len(x) for x in lower), n),
    )
    res = milp(
        c=-pairs.score,
        integrality=np.ones(n, dtype=np.uint8),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a, np.concatenate(lower), np.concatenate(upper)),
        options={"time_limit": time_limit, "disp": False},
    )
    chosen = None if res.x is None else np.flatnonzero(res.x > 0.5)
    return res.status, chosen


def solve(problem: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT) -> Plan:
    """The exact optimum (HiGHS through scipy.optimize.milp), with the regional floor if it can
    be met, else without it (status "optimal_without_balance", reason in `note`).

    If HiGHS stops at `time_limit` seconds the status is "time_limit…" and the plan is its best
    one so far, or the greedy plan if it found none. RuntimeError on any other solver failure.
    """
    started = time.perf_counter()
    m = problem.weights.min_per_region
    n_regions = len(problem.regions)
    pairs = _pairs(problem, nonpositive_per_region=m)
    remaining = max(0.1, time_limit - (time.perf_counter() - started))
    status, chosen = _milp(pairs, len(problem.projects), m, n_regions, remaining)
    note = ""
    balanced = True
    if status == 2:  # the floor is infeasible
        balanced = False
        note = _floor_note(problem)
        pairs = _pairs(problem, nonpositive_per_region=0)
        remaining = max(0.1, time_limit - (time.perf_counter() - started))
        status, chosen = _milp(pairs, len(problem.projects), 0, n_regions, remaining)
    if status == 0:
        plan = _plan(problem, pairs, chosen, OPTIMAL if balanced else OPTIMAL_WITHOUT_BALANCE, note)
    elif status == 1:
        label = TIME_LIMIT if balanced else TIME_LIMIT_WITHOUT_BALANCE
        stop = f"the solver stopped at its {time_limit:g} s time limit"
        if chosen is None:
            fallback = greedy(problem)
            note = "; ".join(filter(None, [note, f"{stop} with no plan: this is the greedy plan"]))
            plan = Plan(label, fallback.objective, fallback.assignments, fallback.unassigned, note)
        else:
            note = "; ".join(filter(None, [note, f"{stop}: best plan found, not proven optimal"]))
            plan = _plan(problem, pairs, chosen, label, note)
    else:
        raise RuntimeError(f"HiGHS failed with scipy.optimize.milp status {status}")
    return replace(plan, seconds=time.perf_counter() - started)


# --- greedy baseline --------------------------------------------------------------------------


def greedy(problem: Problem) -> Plan:
    """The baseline: best pairs first. It first fills every region up to the floor (best pairs
    into regions still short), then takes positive pairs by score while projects and capacity
    last. If that cannot meet the floor it runs again without it ("greedy_without_balance")."""
    started = time.perf_counter()
    m = problem.weights.min_per_region
    pairs = _pairs(problem, nonpositive_per_region=m)
    order = np.lexsort((pairs.unit, pairs.project, -pairs.score))
    regions = len(problem.regions)
    plan = None
    if m > 0 and regions:
        chosen = _greedy_pass(pairs, order, len(problem.projects), floor=m, n_regions=regions)
        if chosen is not None:
            plan = _plan(problem, pairs, chosen, GREEDY, "")
    if plan is None:
        chosen = _greedy_pass(pairs, order, len(problem.projects), floor=0, n_regions=regions)
        status = GREEDY if m == 0 or not regions else GREEDY_WITHOUT_BALANCE
        note = _floor_note(problem) if status == GREEDY_WITHOUT_BALANCE else ""
        plan = _plan(problem, pairs, chosen, status, note)
    return replace(plan, seconds=time.perf_counter() - started)


def _greedy_pass(pairs: _Pairs, order, n_projects: int, floor: int, n_regions: int):
    """Chosen pair indices, or None if the floor could not be met. One pass suffices for each
    phase: a pair passed over never becomes usable later, as projects, capacity and short regions
    only ever run out."""
    taken = np.zeros(n_projects, dtype=bool)
    left = pairs.capacity.copy()
    chosen = []
    project, unit, value = pairs.project, pairs.unit, pairs.score
    if floor:
        short = np.full(n_regions, floor, dtype=np.int64)
        missing = int(short.sum())
        for k in order.tolist():
            u = unit[k]
            r = pairs.unit_region[u]
            if short[r] and not taken[project[k]] and left[u]:
                taken[project[k]] = True
                left[u] -= 1
                short[r] -= 1
                chosen.append(k)
                missing -= 1
                if not missing:
                    break
        if missing:
            return None
    capacity = int(left.sum())
    for k in order.tolist():
        if not capacity or not value[k] > 0:
            break
        u = unit[k]
        if not taken[project[k]] and left[u]:
            taken[project[k]] = True
            left[u] -= 1
            capacity -= 1
            chosen.append(k)
    return np.asarray(chosen, dtype=np.int64)
