"""派单: the exact assignment engine and the `jiebang assign` command. No database needed."""

import copy
import io
import itertools
import json
import math
import random
import subprocess
import sys

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from scipy.optimize import Bounds, LinearConstraint, milp

from jiebang.projects.assign import engine
from jiebang.projects.assign.engine import ValidationError, greedy, solve, validate


def hand_instance(min_per_region=0):
    """P1 fits U1 best but only P2 can score on U1: greedy takes P1→U1 (3.0) and stops; the
    optimum is P1→U2 (2 × (0.5 + 0.5) = 2.0) + P2→U1 (1 × (1 + 0.5) = 1.5) = 3.5. P3 accepts
    only clinics and there are none."""
    return {
        "projects": [
            {
                "id": "P1",
                "priority": 2,
                "region": None,
                "capabilities": ["x", "y"],
                "eligible_types": [],
            },
            {
                "id": "P2",
                "priority": 1,
                "region": "东昌府区",
                "capabilities": ["y"],
                "eligible_types": [],
            },
            {
                "id": "P3",
                "priority": 9,
                "region": "冠县",
                "capabilities": ["x"],
                "eligible_types": ["clinic"],
            },
        ],
        "units": [
            {
                "id": "U1",
                "region": "东昌府区",
                "type": "hospital",
                "capacity": 1,
                "capabilities": ["x", "y"],
            },
            {
                "id": "U2",
                "region": "冠县",
                "type": "hospital",
                "capacity": 1,
                "capabilities": ["x"],
            },
        ],
        "weights": {"capability": 1.0, "locality": 0.5, "min_per_region": min_per_region},
    }


def floor_instance(min_per_region):
    """Two local projects that both fit UA; region B has a unit but no project scores there."""
    return {
        "projects": [
            {"id": i, "priority": 1, "region": "A", "capabilities": ["x"], "eligible_types": []}
            for i in (1, 2)
        ],
        "units": [
            {"id": "UA", "region": "A", "type": "t", "capacity": 2, "capabilities": ["x"]},
            {"id": "UB", "region": "B", "type": "t", "capacity": 2, "capabilities": []},
        ],
        "weights": {"capability": 1.0, "locality": 1.0, "min_per_region": min_per_region},
    }


def pairs_of(plan):
    return [(a.project, a.unit) for a in plan.assignments]


# --- brute force: the rule re-read from the specification, independent of the engine ---------


def rule_score(p, u, w):
    caps = set(p["capabilities"])
    match = len(caps & set(u["capabilities"])) / max(1, len(caps))
    local = 1 if p["region"] is None or p["region"] == u["region"] else 0
    return p["priority"] * (w["capability"] * match + w["locality"] * local)


def brute_force(data):
    """(best total meeting the floor or None, best total without the floor) over every plan."""
    projects, units, w = data["projects"], data["units"], data["weights"]
    regions = {u["region"] for u in units}
    options = [
        [None]
        + [
            j
            for j, u in enumerate(units)
            if not p["eligible_types"] or u["type"] in p["eligible_types"]
        ]
        for p in projects
    ]
    best_floor, best_free = None, -math.inf
    for choice in itertools.product(*options):
        load = [0] * len(units)
        for j in choice:
            if j is not None:
                load[j] += 1
        if any(load[j] > u["capacity"] for j, u in enumerate(units)):
            continue
        total = sum(
            rule_score(p, units[j], w)
            for p, j in zip(projects, choice, strict=True)
            if j is not None
        )
        best_free = max(best_free, total)
        per_region = {r: 0 for r in regions}
        for j in choice:
            if j is not None:
                per_region[units[j]["region"]] += 1
        if all(n >= w["min_per_region"] for n in per_region.values()):
            best_floor = total if best_floor is None else max(best_floor, total)
    return best_floor, best_free


def random_instance(rng, n_projects, n_units):
    regions, tags, types = ["r1", "r2", "r3"], ["a", "b", "c", "d", "e"], ["h", "c", "x"]
    units = [
        {
            "id": f"u{j}",
            "region": rng.choice(regions[:2]) if j else "r1",
            "type": rng.choice(types),
            "capacity": rng.randint(0, 2),
            "capabilities": rng.sample(tags, rng.randint(0, 3)),
        }
        for j in range(n_units)
    ]
    projects = [
        {
            "id": f"p{i}",
            "priority": rng.choice([0, 1, 2, 3.5, rng.uniform(0, 5)]),
            "region": rng.choice([None, *regions]),
            "capabilities": rng.sample(tags, rng.randint(0, 3)),
            "eligible_types": rng.sample(types, rng.randint(1, 2)) if rng.random() < 0.3 else [],
        }
        for i in range(n_projects)
    ]
    weights = {
        "capability": rng.choice([0.0, 1.0, 2.5]),
        "locality": rng.choice([0.0, 0.5, 1.0]),
        "min_per_region": rng.randint(0, 2),
    }
    return {"projects": projects, "units": units, "weights": weights}


def check_feasible(data, plan, *, floor):
    """The plan keeps every rule and reports the specification's scores."""
    projects = {p["id"]: p for p in data["projects"]}
    units = {u["id"]: u for u in data["units"]}
    w = data["weights"]
    seen = [a.project for a in plan.assignments]
    assert len(seen) == len(set(seen))
    load = {}
    for a in plan.assignments:
        p, u = projects[a.project], units[a.unit]
        assert not p["eligible_types"] or u["type"] in p["eligible_types"]
        assert a.score == pytest.approx(rule_score(p, u, w), abs=1e-12)
        load[a.unit] = load.get(a.unit, 0) + 1
    assert all(n <= units[uid]["capacity"] for uid, n in load.items())
    if floor:
        for region in {u["region"] for u in data["units"]}:
            got = sum(1 for a in plan.assignments if units[a.unit]["region"] == region)
            assert got >= w["min_per_region"]
    order = [p["id"] for p in data["projects"]]
    assert seen == sorted(seen, key=order.index)
    assert set(plan.unassigned) == set(order) - set(seen)
    assert plan.objective == pytest.approx(sum(a.score for a in plan.assignments), abs=1e-9)


@pytest.fixture(params=["default", "tiny-start"])
def column_generation(request, monkeypatch):
    """Also run with a one-pair starting set, so the pricing rounds do the work."""
    if request.param == "tiny-start":
        monkeypatch.setattr(engine, "START_PER_CAPACITY", 0)
        monkeypatch.setattr(engine, "START_PER_UNIT", 0)
        monkeypatch.setattr(engine, "START_PER_PROJECT", 1)
        monkeypatch.setattr(engine, "ENTER_PER_PROJECT", 1)
    return request.param


# --- the engine ------------------------------------------------------------------------------


def test_hand_checked_optimum():
    plan = solve(validate(hand_instance()))
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(3.5)
    assert [(a.project, a.unit, a.score) for a in plan.assignments] == [
        ("P1", "U2", 2.0),
        ("P2", "U1", 1.5),
    ]
    assert plan.unassigned == ("P3",)
    base = greedy(validate(hand_instance()))
    assert pairs_of(base) == [("P1", "U1")]
    assert base.objective == pytest.approx(3.0)


def test_ineligible_pairs_are_never_chosen():
    data = hand_instance()
    data["projects"][0]["eligible_types"] = ["clinic"]  # P1 may no longer go anywhere
    data["units"].append(
        {"id": "U3", "region": "冠县", "type": "clinic", "capacity": 1, "capabilities": []}
    )
    plan = solve(validate(data))
    # P3 (priority 9, local to 冠县) now has the only clinic; P1 competes for it and loses.
    assert pairs_of(plan) == [("P2", "U1"), ("P3", "U3")]
    assert plan.unassigned == ("P1",)
    assert plan.objective == pytest.approx(1.5 + 9 * 0.5)
    check_feasible(data, plan, floor=True)


def test_capacity_is_respected():
    data = {
        "projects": [
            {"id": i, "priority": i, "region": None, "capabilities": [], "eligible_types": []}
            for i in range(1, 6)
        ],
        "units": [{"id": "U", "region": "r", "type": "t", "capacity": 2, "capabilities": []}],
        "weights": {"capability": 1.0, "locality": 1.0, "min_per_region": 0},
    }
    plan = solve(validate(data))
    assert pairs_of(plan) == [(4, "U"), (5, "U")]
    assert plan.unassigned == (1, 2, 3)
    assert plan.objective == 9.0


def test_regional_floor_changes_the_solution():
    free = solve(validate(floor_instance(0)))
    assert free.status == "optimal"
    assert pairs_of(free) == [(1, "UA"), (2, "UA")]
    assert free.objective == 4.0

    balanced = solve(validate(floor_instance(1)))
    assert balanced.status == "optimal"
    # region B needs a project, and only a zero-score pair can give it one
    assert sorted(a.unit for a in balanced.assignments) == ["UA", "UB"]
    assert balanced.objective == 2.0
    assert balanced.note == ""


def test_infeasible_floor_is_reported_and_dropped():
    plan = solve(validate(floor_instance(2)))  # 2 regions × 2 projects, but only 2 projects
    assert plan.status == "optimal_without_balance"
    assert "floor" in plan.note
    assert pairs_of(plan) == [(1, "UA"), (2, "UA")]
    assert plan.objective == 4.0
    assert greedy(validate(floor_instance(2))).status == "greedy_without_balance"


def test_a_region_whose_units_have_no_capacity_makes_the_floor_infeasible():
    data = floor_instance(1)
    data["units"][1]["capacity"] = 0
    assert solve(validate(data)).status == "optimal_without_balance"


def test_edge_cases_empty_lists_and_huge_numbers():
    data = floor_instance(1)
    data["units"] = []  # no regions with units, so no floor
    plan = solve(validate(data))
    assert (plan.status, plan.assignments, plan.unassigned) == ("optimal", (), (1, 2))
    data = floor_instance(1)
    data["projects"] = []
    assert solve(validate(data)).status == "optimal_without_balance"
    data = floor_instance(10**40)
    data["units"][0]["capacity"] = 10**40
    plan = solve(validate(data))
    assert (plan.status, plan.objective) == ("optimal_without_balance", 4.0)


@pytest.mark.parametrize("seed", range(40))
def test_optimal_against_brute_force(seed, column_generation):
    rng = random.Random(seed)
    data = random_instance(rng, n_projects=rng.randint(1, 5), n_units=rng.randint(1, 3))
    plan = solve(validate(copy.deepcopy(data)))
    best_floor, best_free = brute_force(data)
    if best_floor is not None:
        assert plan.status == "optimal"
        assert plan.objective == pytest.approx(best_floor, abs=1e-9)
    else:
        assert plan.status == "optimal_without_balance"
        assert plan.objective == pytest.approx(best_free, abs=1e-9)
    check_feasible(data, plan, floor=best_floor is not None)


def one_milp_over_every_allowed_pair(data, floor):
    """The textbook model, built densely here: HiGHS's optimum, or None if infeasible."""
    projects, units, w = data["projects"], data["units"], data["weights"]
    regions = sorted({u["region"] for u in units})
    cols = [
        (i, j)
        for i, p in enumerate(projects)
        for j, u in enumerate(units)
        if not p["eligible_types"] or u["type"] in p["eligible_types"]
    ]
    a = np.zeros((len(projects) + len(units) + len(regions), len(cols)))
    for k, (i, j) in enumerate(cols):
        a[i, k] = a[len(projects) + j, k] = 1
        a[len(projects) + len(units) + regions.index(units[j]["region"]), k] = 1
    lower = [0] * (len(projects) + len(units)) + [w["min_per_region"] if floor else 0] * len(
        regions
    )
    upper = [1] * len(projects) + [u["capacity"] for u in units] + [np.inf] * len(regions)
    c = [-rule_score(projects[i], units[j], w) for i, j in cols]
    res = milp(
        c,
        integrality=np.ones(len(cols)),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a, lower, upper),
        options={"mip_rel_gap": 0},
    )
    return None if res.status == 2 else -res.fun


@pytest.mark.parametrize("seed", range(8))
def test_optimal_against_one_milp_over_every_pair(seed, column_generation):
    rng = random.Random(500 + seed)
    data = random_instance(rng, n_projects=60, n_units=12)
    data["weights"]["min_per_region"] = rng.randint(0, 6)
    plan = solve(validate(data))
    expected = one_milp_over_every_allowed_pair(data, floor=True)
    if expected is None:
        assert plan.status == "optimal_without_balance"
        expected = one_milp_over_every_allowed_pair(data, floor=False)
    else:
        assert plan.status == "optimal"
    assert plan.objective == pytest.approx(expected, abs=1e-7)
    check_feasible(data, plan, floor=plan.status == "optimal")


@pytest.mark.parametrize("seed", range(10))
def test_greedy_is_feasible_and_never_beats_the_optimum(seed, column_generation):
    rng = random.Random(1000 + seed)
    data = random_instance(rng, n_projects=40, n_units=8)
    data["weights"]["min_per_region"] = rng.randint(0, 4)
    problem = validate(data)
    plan, base = solve(problem), greedy(problem)
    check_feasible(data, plan, floor=plan.status == "optimal")
    check_feasible(data, base, floor=base.status == "greedy")
    if base.status == "greedy" or plan.status == "optimal_without_balance":
        assert base.objective <= plan.objective + 1e-9


def test_time_limit_is_reported_not_claimed_optimal():
    data = hand_instance()
    plan = solve(validate(data), time_limit=1e-9)  # spent before the first LP
    assert plan.status == "time_limit"
    assert "not proven optimal" in plan.note or "greedy plan" in plan.note
    check_feasible(data, plan, floor=False)


def test_output_order_is_deterministic():
    data = random_instance(random.Random(3), n_projects=30, n_units=6)
    first = solve(validate(data)).to_json()
    assert solve(validate(copy.deepcopy(data))).to_json() == first


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(projects={}), "projects: must be a list"),
        (lambda d: d.pop("units"), "units: is required"),
        (
            lambda d: d["projects"][1].update(priority="high"),
            "projects[1].priority: must be a number",
        ),
        (
            lambda d: d["projects"][1].update(priority=True),
            "projects[1].priority: must be a number",
        ),
        (lambda d: d["projects"][0].pop("region"), "projects[0].region: is required"),
        (lambda d: d["projects"][2].update(region=3), "projects[2].region: must be a string"),
        (
            lambda d: d["projects"][0]["capabilities"].append(None),
            "projects[0].capabilities[2]: must be a string",
        ),
        (
            lambda d: d["projects"][2].update(eligible_types="clinic"),
            "projects[2].eligible_types: must be a list of strings",
        ),
        (lambda d: d["projects"][1].update(id="P1"), "projects[1].id: duplicate id 'P1'"),
        (lambda d: d["units"][0].update(id=1.5), "units[0].id: must be a string or an integer"),
        (lambda d: d["units"][1].update(capacity=-1), "units[1].capacity: must be a non-negative"),
        (lambda d: d["units"][1].update(region=None), "units[1].region: must be a string"),
        (lambda d: d["weights"].update(locality="1"), "weights.locality: must be a number"),
        (
            lambda d: d["weights"].update(min_per_region=1.5),
            "weights.min_per_region: must be a non-negative integer",
        ),
    ],
)
def test_validate_names_the_bad_field(change, message):
    data = hand_instance()
    change(data)
    with pytest.raises(ValidationError) as e:
        validate(data)
    assert str(e.value).startswith(message)


def test_vectorised_scores_equal_the_rule():
    rng = random.Random(11)
    data = random_instance(rng, n_projects=25, n_units=6)
    problem = validate(data)
    for a in solve(problem).assignments + greedy(problem).assignments:
        p = next(p for p in problem.projects if p.id == a.project)
        u = next(u for u in problem.units if u.id == a.unit)
        assert a.score == engine.score(p, u, problem.weights)


# --- the command -----------------------------------------------------------------------------


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_command_round_trip_writes_the_format(tmp_path):
    source = write(tmp_path / "problem.json", hand_instance())
    target = tmp_path / "plan.json"
    out, err = io.StringIO(), io.StringIO()
    call_command("assign", input=source, output=str(target), stdout=out, stderr=err)
    assert json.loads(target.read_text(encoding="utf-8")) == {
        "status": "optimal",
        "objective": 3.5,
        "assignments": [
            {"project": "P1", "unit": "U2", "score": 2.0},
            {"project": "P2", "unit": "U1", "score": 1.5},
        ],
        "unassigned": ["P3"],
        "greedy_objective": 3.0,
    }
    assert "greedy baseline 3.000000" in out.getvalue()
    assert err.getvalue() == ""


def test_command_warns_when_the_floor_is_dropped(tmp_path):
    source = write(tmp_path / "problem.json", floor_instance(2))
    target = tmp_path / "plan.json"
    err = io.StringIO()
    call_command("assign", input=source, output=str(target), stdout=io.StringIO(), stderr=err)
    assert json.loads(target.read_text(encoding="utf-8"))["status"] == "optimal_without_balance"
    assert "floor" in err.getvalue()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            json.dumps({**hand_instance(), "weights": {"capability": 1, "locality": 1}}),
            "weights.min_per_region: is required",
        ),
        ('{"projects": [', "input: not valid JSON"),
        ("[]", "input: must be an object"),
    ],
)
def test_command_rejects_invalid_input_with_exit_code_2(tmp_path, text, message):
    source = tmp_path / "problem.json"
    source.write_text(text, encoding="utf-8")
    target = tmp_path / "plan.json"
    with pytest.raises(CommandError) as e:
        call_command("assign", input=str(source), output=str(target), stdout=io.StringIO())
    assert e.value.returncode == 2
    assert str(e.value).startswith(message)
    assert not target.exists()


def test_jiebang_assign_exits_2_on_invalid_input(tmp_path):
    data = hand_instance()
    data["projects"][2]["priority"] = "urgent"
    source = write(tmp_path / "problem.json", data)
    result = subprocess.run(
        [sys.executable, "-m", "jiebang", "assign", "--input", source, "--output", "plan.json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert "projects[2].priority: must be a number" in result.stderr
    assert not (tmp_path / "plan.json").exists()
