"""The panel's ranking with rater-bias correction (F6.1), the same in the web app and in
`jiebang rank`. No Django here: the command runs without a database.

    1. per rater and criterion, that rater's scores over the nominations they scored are
       standardised: z = (s − mean) / population standard deviation; z = 0 where the deviation
       is 0 (a rater who gave everyone the same score says nothing about the order);
    2. a nomination's criterion score = the mean of its raters' z on that criterion;
    3. total = Σ weight × criterion score (`jiebang rank`: the weights as given; the web app
       normalises the admin's percentages to sum to 1 first — the same order); ranked by total
       (descending), ties by the 实践实效性 score, then by nomination id (numeric ids in number
       order, before any other id, which go in text order);
    4. beside it, the plain weighted mean of the raw scores (Σ weight × mean raw score / Σ weight
       over the criteria the nomination was scored on, 0–100), and
       the panel's agreement per criterion, Kendall's W.

Kendall's W needs every rater to rank the same nominations; a panel drawn with a conflict-of-
interest rule is an incomplete block. So W of a criterion is computed over the nominations
scored by every rater of that criterion (the complete block), with average ranks for tied
scores and the tie correction:

    W = 12 S / (m² (n³ − n) − m Σ T),  S = Σ (R_i − m(n + 1)/2)²,  T = Σ (t³ − t) per rater

(m raters, n nominations, R_i a nomination's rank sum, t the size of each group of ties). With
fewer than 2 raters or 2 common nominations, or when every rater tied everything, W is not
computable (None).

The file formats of the command are read here too (`read_scores`, `read_weights`); their
errors are in Chinese and name the file, the row and the column.
"""

import csv
import io
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# The five criteria in their fixed order (the columns of ranking.csv).
CRITERIA = ("创新引领性", "实践实效性", "复制推广性", "社会认同感", "制度规范性")
TIE_BREAK = "实践实效性"
LOWEST, HIGHEST = 0, 100
HEADER = ("nomination", "rater", "criterion", "score")
OUTPUT_HEADER = ("rank", "nomination", "total", "raw_weighted_mean", *CRITERIA)
DECIMALS = 4
# Totals closer than this count as equal (float noise must not decide a tie).
TIE_PLACES = 9


@dataclass(frozen=True)
class Score:
    nomination: str
    rater: str
    criterion: str
    score: float


@dataclass
class Standing:
    """One nomination in the ranking."""

    nomination: str
    total: float  # Σ weight × criterion score (bias-corrected)
    raw_weighted_mean: float  # Σ weight × mean raw score, 0–100
    criteria: dict[str, float]  # criterion → mean z of its raters
    raw: dict[str, float]  # criterion → mean raw score
    raters: int  # how many raters scored it
    rank: int = 0
    raw_rank: int = 0  # its place by the raw weighted mean (for comparison)


@dataclass(frozen=True)
class Agreement:
    """Kendall's W of one criterion over its complete block."""

    criterion: str
    w: float | None  # None: not computable
    raters: int  # m
    nominations: int  # n, the nominations every one of the m raters scored


@dataclass
class Ranking:
    standings: list[Standing]
    agreement: list[Agreement]
    weights: dict[str, float]  # normalised
    z: dict[tuple[str, str, str], float] = field(default_factory=dict)  # (rater, crit, nom)


def id_key(nomination: str) -> tuple:
    """Nomination ids in number order when they are numbers, before the others in text order."""
    text = nomination.strip()
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def normalise_weights(weights: dict[str, float]) -> dict[str, float]:
    """Every criterion's weight divided by their sum; ValueError when the sum is not positive."""
    total = math.fsum(weights.get(c, 0.0) for c in CRITERIA)
    if not total > 0:
        raise ValueError("the weights must sum to a positive number")
    return {c: weights.get(c, 0.0) / total for c in CRITERIA}


def _weighted_mean(raw: dict[str, float], weights: dict[str, float]) -> float:
    """Σ weight × raw score / Σ weight over the criteria scored (0 when none weighs)."""
    total = math.fsum(weights[c] for c in raw)
    return math.fsum(weights[c] * raw[c] for c in raw) / total if total > 0 else 0.0


def _mean(values) -> float:
    values = list(values)
    return math.fsum(values) / len(values)


def standardise(scores: list[Score]) -> dict[tuple[str, str, str], float]:
    """(rater, criterion, nomination) → z of the rater's score among their own scores on that
    criterion (population standard deviation; 0 when the rater's scores do not vary)."""
    by_rater: dict[tuple[str, str], list[Score]] = defaultdict(list)
    for s in scores:
        by_rater[(s.rater, s.criterion)].append(s)
    z = {}
    for (rater, criterion), rows in by_rater.items():
        mean = _mean(s.score for s in rows)
        deviation = math.sqrt(_mean((s.score - mean) ** 2 for s in rows))
        for s in rows:
            # A deviation of 0 (or float dust from identical scores) carries no order.
            z[(rater, criterion, s.nomination)] = (
                (s.score - mean) / deviation if deviation > 1e-12 else 0.0
            )
    return z


def average_ranks(values: list[float]) -> tuple[list[float], float]:
    """Ranks 1..n of `values` (ascending), ties given their average rank, and the tie term
    Σ (t³ − t) over the groups of ties."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    ties = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    return ranks, ties


def kendall_w(scores: list[Score], criterion: str) -> Agreement:
    """Kendall's W of `criterion` over the nominations every rater of it scored (see the
    module doc); `w` is None when it cannot be computed."""
    rated: dict[str, dict[str, float]] = defaultdict(dict)
    for s in scores:
        if s.criterion == criterion:
            rated[s.rater][s.nomination] = s.score
    m = len(rated)
    common = set.intersection(*(set(r) for r in rated.values())) if rated else set()
    nominations = sorted(common, key=id_key)
    n = len(nominations)
    if m < 2 or n < 2:
        return Agreement(criterion, None, m, n)
    sums = [0.0] * n
    tie_terms = 0.0
    for rater_scores in rated.values():
        ranks, ties = average_ranks([rater_scores[nom] for nom in nominations])
        tie_terms += ties
        sums = [a + b for a, b in zip(sums, ranks, strict=True)]
    mean = m * (n + 1) / 2
    s = math.fsum((r - mean) ** 2 for r in sums)
    denominator = m * m * (n**3 - n) - m * tie_terms
    if denominator <= 0:
        return Agreement(criterion, None, m, n)
    return Agreement(criterion, 12 * s / denominator, m, n)


def rank(scores: list[Score], weights: dict[str, float], *, normalise: bool = True) -> Ranking:
    """The ranking of the nominations in `scores` (see the module doc). `weights` maps
    criteria to non-negative weights (a criterion not given weighs 0); normalised to sum to 1
    unless `normalise` is False (the command: total = Σ weight × criterion score as given)."""
    weights = (
        normalise_weights(weights) if normalise else {c: weights.get(c, 0.0) for c in CRITERIA}
    )
    z = standardise(scores)
    per_nomination: dict[str, dict[str, list[Score]]] = defaultdict(lambda: defaultdict(list))
    for s in scores:
        per_nomination[s.nomination][s.criterion].append(s)
    standings = []
    for nomination, by_criterion in per_nomination.items():
        criteria = {
            c: _mean(z[(s.rater, c, nomination)] for s in rows) for c, rows in by_criterion.items()
        }
        raw = {c: _mean(s.score for s in rows) for c, rows in by_criterion.items()}
        standings.append(
            Standing(
                nomination=nomination,
                total=math.fsum(weights[c] * criteria.get(c, 0.0) for c in CRITERIA),
                raw_weighted_mean=_weighted_mean(raw, weights),
                criteria=criteria,
                raw=raw,
                raters=len({s.rater for rows in by_criterion.values() for s in rows}),
            )
        )
    standings.sort(
        key=lambda s: (
            -round(s.total, TIE_PLACES),
            -round(s.criteria.get(TIE_BREAK, 0.0), TIE_PLACES),
            id_key(s.nomination),
        )
    )
    for i, s in enumerate(standings, start=1):
        s.rank = i
    by_raw = sorted(
        standings, key=lambda s: (-round(s.raw_weighted_mean, TIE_PLACES), id_key(s.nomination))
    )
    for i, s in enumerate(by_raw, start=1):
        s.raw_rank = i
    agreement = [kendall_w(scores, c) for c in CRITERIA]
    return Ranking(standings=standings, agreement=agreement, weights=weights, z=z)


def fixed(value: float, places: int = DECIMALS) -> Decimal:
    """`value` with `places` decimals (half away from zero), never "-0.0000"."""
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(repr(value)).quantize(quantum, rounding="ROUND_HALF_UP")
    return number.copy_abs() if number.is_zero() else number


def output_rows(ranking: Ranking) -> list[list]:
    """The rows of ranking.csv under OUTPUT_HEADER."""
    return [
        [
            s.rank,
            s.nomination,
            fixed(s.total),
            fixed(s.raw_weighted_mean),
            *(fixed(s.criteria.get(c, 0.0)) for c in CRITERIA),
        ]
        for s in ranking.standings
    ]


def agreement_lines(ranking: Ranking) -> list[str]:
    """One line per criterion: `kendall_w <criterion> <W or NA> raters=<m> nominations=<n>`."""
    return [
        f"kendall_w {a.criterion} {'NA' if a.w is None else fixed(a.w)} "
        f"raters={a.raters} nominations={a.nominations}"
        for a in ranking.agreement
    ]


# -- The command's files ------------------------------------------------------------------


class InputError(Exception):
    """Bad input; the message (Chinese) names the file, the row and the column."""


def _decode(content: bytes, file_name: str) -> str:
    """UTF-8 text, with or without a BOM; InputError naming the line of the first bad byte."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = content[: e.start].count(b"\n") + 1
        raise InputError(
            f"{file_name} 第 {line} 行：不是 UTF-8 编码（请另存为 UTF-8 的 CSV 文件）"
        ) from None


def _number(text: str) -> float | None:
    """A finite decimal number, or None."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return float(value) if value.is_finite() else None


def read_scores(content: bytes, file_name: str = "scores.csv") -> list[Score]:
    """The scores of a CSV with the header exactly nomination,rater,criterion,score (cells
    may have surrounding whitespace; blank lines are skipped). InputError on a missing or
    extra column, an unknown criterion, a score that is not a number from 0 to 100, a rater
    scoring the same nomination and criterion twice, or a rater whose sheet for a nomination
    lacks one of the five criteria."""
    text = _decode(content, file_name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise InputError(f"{file_name} 第 1 行：无法读取（{e}）") from None
    if header is None or not any(h.strip() for h in header):
        raise InputError(f"{file_name} 第 1 行：文件为空，应有表头 {','.join(HEADER)}")
    names = [h.strip() for h in header]
    missing = [h for h in HEADER if h not in names]
    if missing:
        raise InputError(f"{file_name} 第 1 行：缺少列 {'、'.join(missing)}")
    extra = [h for h in names if h not in HEADER]
    if extra:
        raise InputError(f"{file_name} 第 1 行：多余的列 {'、'.join(extra)}")
    if tuple(names) != HEADER:
        raise InputError(f"{file_name} 第 1 行：列的顺序应为 {','.join(HEADER)}")
    scores: list[Score] = []
    seen: dict[tuple[str, str, str], int] = {}
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if len(cells) != len(HEADER):
                raise InputError(
                    f"{file_name} 第 {line} 行：应有 {len(HEADER)} 列，实有 {len(cells)} 列"
                )
            nomination, rater, criterion, value = cells
            for column, cell in (("nomination", nomination), ("rater", rater)):
                if not cell:
                    raise InputError(f"{file_name} 第 {line} 行，{column} 列：不能为空")
            if criterion not in CRITERIA:
                raise InputError(
                    f"{file_name} 第 {line} 行，criterion 列：未知的评价维度“{criterion}”"
                    f"（应为 {'、'.join(CRITERIA)} 之一）"
                )
            if not value:
                raise InputError(f"{file_name} 第 {line} 行，score 列：缺少分数")
            score = _number(value)
            if score is None:
                raise InputError(f"{file_name} 第 {line} 行，score 列：“{value}”不是数字")
            if not LOWEST <= score <= HIGHEST:
                raise InputError(
                    f"{file_name} 第 {line} 行，score 列："
                    f"分数 {value} 超出 {LOWEST}–{HIGHEST} 的范围"
                )
            key = (nomination, rater, criterion)
            if key in seen:
                raise InputError(
                    f"{file_name} 第 {line} 行：评审人“{rater}”对“{nomination}”的“{criterion}”"
                    f"重复评分（第 {seen[key]} 行已有）"
                )
            seen[key] = line
            scores.append(Score(nomination, rater, criterion, score))
    except csv.Error as e:
        raise InputError(f"{file_name} 第 {line} 行：无法读取（{e}）") from None
    if not scores:
        raise InputError(f"{file_name} 第 2 行：没有评分")
    return scores


def read_weights(content: bytes, file_name: str = "weights.json") -> dict[str, float]:
    """A JSON object giving each of the five criteria (by its Chinese name) a non-negative
    number (a criterion left out weighs 0), not all zero. InputError otherwise."""
    text = _decode(content, file_name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            f"{file_name} 第 {e.lineno} 行，第 {e.colno} 列：不是有效的 JSON（{e.msg}）"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{file_name} 第 1 行：应为 JSON 对象 {{评价维度: 权重}}")
    unknown = [k for k in data if k not in CRITERIA]
    if unknown:
        raise InputError(f"{file_name}：未知的评价维度“{unknown[0]}”（应为 {'、'.join(CRITERIA)}）")
    weights = {}
    for criterion in CRITERIA:
        if criterion not in data:  # not given: weighs nothing
            weights[criterion] = 0.0
            continue
        value = data[criterion]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"{file_name}，“{criterion}”：权重“{value}”不是数字")
        if not math.isfinite(value) or value < 0:
            raise InputError(f"{file_name}，“{criterion}”：权重须为非负数，实为 {value}")
        weights[criterion] = float(value)
    if not math.fsum(weights.values()) > 0:
        raise InputError(f"{file_name}：权重不能全为 0")
    return weights
