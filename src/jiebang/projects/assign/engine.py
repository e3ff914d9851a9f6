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
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import maximum_flow

OPTIMAL = "optimal"
OPTIMAL_WITHOUT_BALANCE = "optimal_without_balance"
# The solver stopped at its time limit: the plan is the best one found, not proven optimal.
TIME_LIMIT = "time_limit"
TIME_LIMIT_WITHOUT_BALANCE = "time_limit_without_balance"
GREEDY = "greedy"
GREEDY_WITHOUT_BALANCE = "greedy_without_balance"

DEFAULT_TIME_LIMIT = 60.0
# Column generation: the first working set holds each unit's best START_PER_CAPACITY × capacity
# + START_PER_UNIT projects and each project's best START_PER_PROJECT units; each round adds up to
# ENTER_PER_PROJECT improving pairs per project. Sizes only: any values give the same optimum.
START_PER_CAPACITY = 4
START_PER_UNIT = 8
START_PER_PROJECT = 3
ENTER_PER_PROJECT = 5
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


def _id(raw: dict, path: str, seen: set):
    value = _get(raw, "id", path)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationError(f"{path}.id", "must be a string or an integer")
    if value in seen:
        raise ValidationError(f"{path}.id", f"duplicate id {value!r}")
    seen.add(value)
    return value


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

    projects, seen_projects = [], set()
    for i, raw in enumerate(raw_projects):
        path = f"projects[{i}]"
        raw = _obj(raw, path)
        project_id = _id(raw, path, seen_projects)
        region = _get(raw, "region", path)
        if region is not None:
            region = _string(region, f"{path}.region")
        projects.append(
            Project(
                id=project_id,
                priority=_number(_get(raw, "priority", path), f"{path}.priority"),
                region=region,
                capabilities=_strings(_get(raw, "capabilities", path), f"{path}.capabilities"),
                eligible_types=_strings(
                    _get(raw, "eligible_types", path), f"{path}.eligible_types"
                ),
            )
        )

    units, seen_units = [], set()
    for i, raw in enumerate(raw_units):
        path = f"units[{i}]"
        raw = _obj(raw, path)
        unit_id = _id(raw, path, seen_units)
        units.append(
            Unit(
                id=unit_id,
                region=_string(_get(raw, "region", path), f"{path}.region"),
                type=_string(_get(raw, "type", path), f"{path}.type"),
                capacity=_count(_get(raw, "capacity", path), f"{path}.capacity"),
                capabilities=_strings(_get(raw, "capabilities", path), f"{path}.capabilities"),
            )
        )

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

    def subset(self, mask: np.ndarray) -> _Pairs:
        return replace(
            self, project=self.project[mask], unit=self.unit[mask], score=self.score[mask]
        )


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


def _top(group: np.ndarray, value: np.ndarray, k) -> np.ndarray:
    """Mask of the k highest values in each group (k a number or an array indexed by group),
    ties going to the earlier entry."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((np.arange(n), -value, group))
    g = group[order]
    first = np.r_[True, g[1:] != g[:-1]]
    rank = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0))
    limit = k[g] if isinstance(k, np.ndarray) else k
    mask = np.zeros(n, dtype=bool)
    mask[order[rank < limit]] = True
    return mask


def _pairs(problem: Problem, nonpositive_per_region: int) -> _Pairs:
    """Every allowed pair with a positive score, plus the best `nonpositive_per_region` pairs of
    score ≤ 0 for each (project, region); units with no capacity are left out."""
    projects, units, w = problem.projects, problem.units, problem.weights
    region_index = {r: i for i, r in enumerate(problem.regions)}
    n_regions = len(region_index)
    unit_region = np.fromiter((region_index[u.region] for u in units), np.int32, len(units))
    # capacity beyond the number of projects changes nothing, and clamping keeps it in int64
    capacity = np.fromiter((min(u.capacity, len(projects)) for u in units), np.int64, len(units))
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
            group = ni.astype(np.int64) * n_regions + unit_region[nu]
            keep = _top(group, s[ni, nu], nonpositive_per_region)
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


def _effective_floor(problem: Problem) -> int:
    """The floor to enforce: 0 without regions; above the number of projects, any such floor is
    as impossible as the next, and this one fits in int32 arrays."""
    if not problem.regions:
        return 0
    return min(problem.weights.min_per_region, len(problem.projects) + 1)


def _floor_note(problem: Problem) -> str:
    m = problem.weights.min_per_region
    return (
        f"the regional floor of {m} project(s) in each of the {len(problem.regions)} region(s) "
        "with units cannot be met; solved without it"
    )


# --- exact solve ------------------------------------------------------------------------------


def _constraints(pairs: _Pairs, n_projects: int, floor: int, n_regions: int):
    """(A, b) with A x ≤ b over every candidate pair: one row per project (≤ 1), per unit
    (≤ capacity) and, with a floor, per region (−Σ ≤ −floor)."""
    n = len(pairs.score)
    n_units = len(pairs.capacity)
    rows = [pairs.project.astype(np.int64), n_projects + pairs.unit.astype(np.int64)]
    data = [np.ones(n), np.ones(n)]
    b = [np.ones(n_projects), pairs.capacity.astype(np.float64)]
    if floor:
        rows.append(n_projects + n_units + pairs.unit_region[pairs.unit].astype(np.int64))
        data.append(-np.ones(n))
        b.append(np.full(n_regions, -float(floor)))
    per = len(rows)
    a = sparse.csc_array(
        (
            np.column_stack(data).ravel(),
            np.column_stack(rows).ravel(),
            np.arange(0, n * per + 1, per),
        ),
        shape=(sum(len(x) for x in b), n),
    )
    return a, np.concatenate(b)


def _floor_witness(pairs: _Pairs, n_projects: int, floor: int, n_regions: int):
    """Mask of pairs giving every region `floor` projects, or None if no plan can.

    A max flow source → project (1) → unit (capacity) → region (floor) → sink, over the best
    `floor` candidate units of each project in each region: as in the module docstring, if any
    plan meets the floor, one using only those does.
    """
    n_units = len(pairs.capacity)
    near = np.flatnonzero(
        _top(
            pairs.project.astype(np.int64) * n_regions + pairs.unit_region[pairs.unit],
            pairs.score,
            floor,
        )
    )
    source, first_unit = 0, 1 + n_projects
    first_region = first_unit + n_units
    sink = first_region + n_regions
    tail = np.r_[
        np.zeros(n_projects, np.int64),
        1 + pairs.project[near],
        first_unit + np.arange(n_units),
        first_region + np.arange(n_regions),
    ]
    head = np.r_[
        1 + np.arange(n_projects),
        first_unit + pairs.unit[near],
        first_region + pairs.unit_region,
        np.full(n_regions, sink),
    ]
    cap = np.r_[
        np.ones(n_projects + len(near), np.int64),
        np.minimum(pairs.capacity, n_projects),
        np.full(n_regions, floor),
    ].astype(np.int32)
    graph = sparse.csr_array((cap, (tail, head)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, source, sink)
    if flow.flow_value < floor * n_regions:
        return None
    used = flow.flow.tocsr()[1 + pairs.project[near], first_unit + pairs.unit[near]]
    mask = np.zeros(len(pairs.score), dtype=bool)
    mask[near[np.asarray(used).ravel() > 0]] = True
    return mask


def _optimise(pairs: _Pairs, n_projects: int, floor: int, n_regions: int, start, deadline):
    """(chosen pair indices or None, proven optimal) for max Σ score over the candidate pairs.

    Column generation, because HiGHS on a million columns takes minutes: solve the LP over a
    working set (each unit's best projects, each project's best units, and `start`), price every
    other pair with the LP duals, add those that would improve it, and repeat until none would.
    The duals then bound every plan over all pairs and the LP optimum is integral (see the module
    docstring), so a plan reaching the bound exists among the pairs of zero reduced cost; the
    MILP is solved over those. Should it fall short of the bound, every pair whose reduced cost
    is within the gap is added and the MILP solved again.
    """
    n = len(pairs.score)
    if n == 0:
        return np.zeros(0, np.int64), True
    a, b = _constraints(pairs, n_projects, floor, n_regions)
    c = -pairs.score
    tol = 1e-7 * max(1.0, float(np.abs(pairs.score).max()))
    work = (
        _top(pairs.unit, pairs.score, START_PER_CAPACITY * pairs.capacity + START_PER_UNIT)
        | _top(pairs.project, pairs.score, START_PER_PROJECT)
        | start
    )
    proven = True
    reduced = bound = None
    while True:
        cols = np.flatnonzero(work)
        left = deadline - time.perf_counter()
        if left <= 0:
            proven = False
            break
        lp = linprog(
            c[cols],
            A_ub=a[:, cols],
            b_ub=b,
            bounds=(0, None),
            method="highs",
            options={"time_limit": left},
        )
        if lp.status == 1:
            proven = False
            break
        if lp.status != 0:
            raise RuntimeError(f"HiGHS LP failed: {lp.message}")
        reduced = c - a.T @ lp.ineqlin.marginals
        entering = (reduced < -tol) & ~work
        if not entering.any():
            bound = -lp.fun
            break
        idx = np.flatnonzero(entering)
        work[idx[_top(pairs.project[idx], -reduced[idx], ENTER_PER_PROJECT)]] = True

    # Complementary slackness: a plan reaching the bound uses only pairs of zero reduced cost.
    everything = work.copy()
    if proven:
        work &= reduced <= tol
    chosen = None
    while True:
        cols = np.flatnonzero(work)
        if not len(cols):
            return cols, proven
        ip = milp(
            c[cols],
            integrality=np.ones(len(cols), dtype=np.uint8),
            bounds=Bounds(0, 1),
            constraints=LinearConstraint(a[:, cols], -np.inf, b),
            options={
                "time_limit": max(1.0, deadline - time.perf_counter()),
                "mip_rel_gap": 0,
                "disp": False,
            },
        )
        if ip.x is not None:
            chosen = cols[ip.x > 0.5]
        if ip.status == 1:
            return chosen, False
        if ip.status == 2 and (everything & ~work).any():  # only by rounding in the duals
            work |= everything
            continue
        if ip.status != 0:
            raise RuntimeError(f"HiGHS MILP failed: {ip.message}")
        if not proven:
            return chosen, False
        gap = bound - float(pairs.score[chosen].sum())
        # a plan using a pair left out scores at most bound − its reduced cost
        extra = (reduced <= gap + tol) & ~work
        if gap <= tol or not extra.any():
            return chosen, True
        work |= extra


def solve(problem: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT) -> Plan:
    """The exact optimum (HiGHS LP and MILP through scipy.optimize), with the regional floor if
    it can be met, else without it (status "optimal_without_balance", reason in `note`).

    If HiGHS stops at `time_limit` seconds the status is "time_limit…" and the plan is its best
    one so far, or the greedy plan if it found none. RuntimeError on any other solver failure.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    n_regions = len(problem.regions)
    floor = _effective_floor(problem)
    pairs = _pairs(problem, nonpositive_per_region=floor)
    start = np.zeros(len(pairs.score), dtype=bool)
    note = ""
    if floor:
        witness = _floor_witness(pairs, len(problem.projects), floor, n_regions)
        if witness is None:
            note = _floor_note(problem)
            floor = 0
            pairs = pairs.subset(pairs.score > 0)
            start = np.zeros(len(pairs.score), dtype=bool)
        else:
            start = witness
    balanced = not note
    chosen, proven = _optimise(pairs, len(problem.projects), floor, n_regions, start, deadline)
    if proven:
        plan = _plan(problem, pairs, chosen, OPTIMAL if balanced else OPTIMAL_WITHOUT_BALANCE, note)
    else:
        label = TIME_LIMIT if balanced else TIME_LIMIT_WITHOUT_BALANCE
        stop = f"the solver stopped at its {time_limit:g} s time limit"
        if chosen is None:
            fallback = greedy(problem)
            note = "; ".join(filter(None, [note, f"{stop} with no plan: this is the greedy plan"]))
            plan = Plan(label, fallback.objective, fallback.assignments, fallback.unassigned, note)
        else:
            note = "; ".join(filter(None, [note, f"{stop}: best plan found, not proven optimal"]))
            plan = _plan(problem, pairs, chosen, label, note)
    return replace(plan, seconds=time.perf_counter() - started)


# --- greedy baseline --------------------------------------------------------------------------


def greedy(problem: Problem) -> Plan:
    """The baseline: best pairs first. It first fills every region up to the floor (best pairs
    into regions still short), then takes positive pairs by score while projects and capacity
    last. If that cannot meet the floor it runs again without it ("greedy_without_balance")."""
    started = time.perf_counter()
    m = _effective_floor(problem)
    pairs = _pairs(problem, nonpositive_per_region=m)
    order = np.lexsort((pairs.unit, pairs.project, -pairs.score))
    regions = len(problem.regions)
    plan = None
    if m:
        chosen = _greedy_pass(pairs, order, len(problem.projects), floor=m, n_regions=regions)
        if chosen is not None:
            plan = _plan(problem, pairs, chosen, GREEDY, "")
    if plan is None:
        chosen = _greedy_pass(pairs, order, len(problem.projects), floor=0, n_regions=regions)
        status = GREEDY if not m else GREEDY_WITHOUT_BALANCE
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
