import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiebang.projects.assign.engine import (
    DEFAULT_TIME_LIMIT,
    OPTIMAL,
    OPTIMAL_WITHOUT_BALANCE,
    ValidationError,
    greedy,
    solve,
    validate,
)

INVALID = 2  # exit code for input that does not follow the format


class Command(BaseCommand):
    help = (
        "派单: assign projects to units to maximise the total score, where score = priority × "
        "(capability × share of the project's capabilities the unit has + locality × [project "
        "region is null or the unit's]); a pair is allowed only if the project's eligible_types "
        "is empty or holds the unit's type. Each project goes to at most one unit, each unit "
        "takes at most its capacity, and every region with units gets at least min_per_region "
        "projects (dropped, with a warning, when impossible). Exact optimum (HiGHS). Reads "
        "--input JSON, writes --output JSON, prints the greedy baseline for comparison; exit "
        "code 2 on invalid input. Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="Problem JSON (UTF-8).")
        parser.add_argument("--output", required=True, help="Plan JSON to write (UTF-8).")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=DEFAULT_TIME_LIMIT,
            help=f"Seconds for the solver (default {DEFAULT_TIME_LIMIT:g}); past it the plan "
            "is the best found and its status says time_limit, not optimal.",
        )

    def handle(self, *args, input, output, time_limit, **options):
        if not time_limit > 0:
            raise CommandError("--time-limit: must be a positive number", returncode=INVALID)
        try:
            data = json.loads(Path(input).read_text(encoding="utf-8-sig"))
        except OSError as e:
            raise CommandError(
                f"--input: cannot read {input}: {e.strerror}", returncode=INVALID
            ) from None
        except UnicodeDecodeError:
            raise CommandError(f"input: {input} is not UTF-8", returncode=INVALID) from None
        except json.JSONDecodeError as e:
            raise CommandError(
                f"input: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})",
                returncode=INVALID,
            ) from None
        try:
            problem = validate(data)
        except ValidationError as e:
            raise CommandError(str(e), returncode=INVALID) from None
        try:
            plan = solve(problem, time_limit=time_limit)
        except RuntimeError as e:
            raise CommandError(str(e)) from e
        baseline = greedy(problem)

        result = plan.to_json()
        result["greedy_objective"] = baseline.objective
        Path(output).write_text(
            json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if plan.note:
            self.stderr.write(f"warning: {plan.note}")
        if plan.status not in (OPTIMAL, OPTIMAL_WITHOUT_BALANCE):
            self.stderr.write(f"warning: status {plan.status}: the plan is not proven optimal")
        self.stdout.write(
            f"{plan.status}: objective {plan.objective:.6f}, greedy baseline "
            f"{baseline.objective:.6f}; {len(plan.assignments)} of {len(problem.projects)} "
            f"projects assigned in {plan.seconds:.2f} s → {output}"
        )
