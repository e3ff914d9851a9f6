"""派单 benchmark: exact solve time and optimal vs greedy objective on seeded random instances.

    .venv/bin/python bench/assign.py                      # 192 × 60 and 5,000 × 500
    .venv/bin/python bench/assign.py --projects 5000 --units 500

Instances: 10 regions, 20 capability tags (projects need 1–4, units have 2–8), 5 unit types
(30% of projects accept only 1–2 of them), 10% of projects without a region, unit capacity 1–6,
min_per_region 1–3. Targets: 192 × 60 under 0.5 s, 5,000 × 500 under 30 s on 2 cores. The last
line printed is one JSON object with the figures.
"""

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from jiebang.projects.assign.engine import greedy, solve, validate  # noqa: E402

SIZES = [(192, 60), (5000, 500)]
REGIONS = [
    "东昌府区",
    "临清市",
    "茌平区",
    "东阿县",
    "冠县",
    "高唐县",
    "阳谷县",
    "莘县",
    "开发区",
    "度假区",
]
TAGS = [f"cap{i:02d}" for i in range(20)]
TYPES = ["hospital", "township_clinic", "cdc", "maternal_child", "community_centre"]


def instance(n_projects: int, n_units: int, seed: int) -> dict:
    rng = random.Random(seed)
    units = [
        {
            "id": f"U{i:04d}",
            "region": REGIONS[i % len(REGIONS)] if i < len(REGIONS) else rng.choice(REGIONS),
            "type": rng.choice(TYPES),
            "capacity": rng.randint(1, 6),
            "capabilities": rng.sample(TAGS, rng.randint(2, 8)),
        }
        for i in range(n_units)
    ]
    projects = [
        {
            "id": f"P{i:05d}",
            "priority": rng.choice([1, 2, 3, 5, 8]) * rng.uniform(0.8, 1.2),
            "region": None if rng.random() < 0.1 else rng.choice(REGIONS),
            "capabilities": rng.sample(TAGS, rng.randint(1, 4)),
            "eligible_types": rng.sample(TYPES, rng.randint(1, 2)) if rng.random() < 0.3 else [],
        }
        for i in range(n_projects)
    ]
    weights = {"capability": 1.0, "locality": 0.5, "min_per_region": rng.randint(1, 3)}
    return {"projects": projects, "units": units, "weights": weights}


def run(n_projects: int, n_units: int, seed: int) -> dict:
    problem = validate(instance(n_projects, n_units, seed))
    started = time.perf_counter()
    plan = solve(problem)
    seconds = time.perf_counter() - started
    base = greedy(problem)
    return {
        "projects": n_projects,
        "units": n_units,
        "min_per_region": problem.weights.min_per_region,
        "seconds": round(seconds, 3),
        "objective": round(plan.objective, 6),
        "greedy": round(base.objective, 6),
        "greedy_seconds": round(base.seconds, 3),
        "gain_pct": round(100 * (plan.objective / base.objective - 1), 3)
        if base.objective
        else None,
        "assigned": len(plan.assignments),
        "status": plan.status,
        "greedy_status": base.status,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, help="Run one size (with --units).")
    parser.add_argument("--units", type=int, help="Run one size (with --projects).")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    if (args.projects is None) != (args.units is None):
        parser.error("give both --projects and --units, or neither")
    sizes = [(args.projects, args.units)] if args.projects else SIZES
    cases = []
    for n_projects, n_units in sizes:
        case = run(n_projects, n_units, args.seed)
        cases.append(case)
        print(
            f"{n_projects:>6} projects × {n_units:>4} units (floor {case['min_per_region']}): "
            f"{case['seconds']:.3f} s, {case['status']}, objective {case['objective']:.3f}, "
            f"greedy {case['greedy']:.3f} ({case['gain_pct']:+.2f}% for the optimum), "
            f"{case['assigned']} assigned"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cases": cases, "peak_rss_mb": round(peak_mb, 1)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
