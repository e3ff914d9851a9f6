from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiebang.core.exports import csv_bytes
from jiebang.evaluation.ranking import (
    CRITERIA,
    HEADER,
    OUTPUT_HEADER,
    InputError,
    agreement_lines,
    output_rows,
    rank,
    read_scores,
    read_weights,
)

INVALID = 2  # exit code for input that does not follow the format


class Command(BaseCommand):
    help = (
        "评榜提质: rank nominations from the panel's scores with rater-bias correction, as the "
        "web app does. Per rater and criterion the rater's scores are standardised over the "
        "nominations they scored (z = (s - mean) / population standard deviation; 0 where the "
        "deviation is 0); a nomination's criterion score is the mean z of its raters; total = "
        "sum of weight x criterion score; ranked by total descending, ties by 实践实效性, then "
        "by nomination id (numeric ids in number order, before other ids in text order). "
        f"--input: UTF-8 CSV (BOM allowed) with the header exactly {','.join(HEADER)}, "
        "cells may have surrounding whitespace, blank lines are skipped; criterion is one of "
        f"{'、'.join(CRITERIA)}; score a number from 0 to 100; a rater scores a nomination "
        "on a criterion at most once. "
        "--weights: a JSON object {criterion: weight}, each a non-negative number (a criterion "
        "left out weighs 0), not all zero; used as given: total = sum of weight x criterion "
        "score (20/30/20/15/15 and 0.2/0.3/0.2/0.15/0.15 rank alike, totals scale). "
        f"--output: CSV (UTF-8 with a BOM) with the columns {','.join(OUTPUT_HEADER)}: the "
        "total, the weighted mean of the raw scores (0-100) and each criterion's mean z, "
        "always all five, 4 decimals. Printed on stdout, one line per criterion: "
        "'kendall_w <criterion> <W or NA> raters=<m> nominations=<n>', Kendall's W with the "
        "tie correction over the nominations scored by every rater of that criterion (NA with "
        "fewer than 2 raters or 2 such nominations). Bad input: a message in Chinese naming "
        "the file, row and column on stderr, exit code 2. Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="scores.csv (see above).")
        parser.add_argument("--weights", required=True, help="weights.json (see above).")
        parser.add_argument("--output", required=True, help="ranking.csv to write.")

    def _read(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as e:
            raise CommandError(f"{path}：无法读取（{e.strerror}）", returncode=INVALID) from None

    def handle(self, *args, input, weights, output, **options):
        try:
            scores = read_scores(self._read(input), input)
            weight_map = read_weights(self._read(weights), weights)
        except InputError as e:
            raise CommandError(str(e), returncode=INVALID) from None
        result = rank(scores, weight_map, normalise=False)
        try:
            Path(output).write_bytes(csv_bytes(OUTPUT_HEADER, output_rows(result)))
        except OSError as e:
            raise CommandError(f"{output}：无法写入（{e.strerror}）") from None
        raters = len({s.rater for s in scores})
        self.stdout.write(
            f"ranked {len(result.standings)} nominations from {raters} raters -> {output}"
        )
        for line in agreement_lines(result):
            self.stdout.write(line)
