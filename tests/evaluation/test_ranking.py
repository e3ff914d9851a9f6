"""ranking.py against hand-computed examples (no database)."""

import json
import math

import pytest

from jiebang.evaluation import ranking
from jiebang.evaluation.ranking import CRITERIA, Score

EQUAL = dict.fromkeys(CRITERIA, 1)


def sheet(nomination, rater, value, **per_criterion):
    """Five scores of one rater for one nomination: `value` on every criterion unless given
    (by index: c0=…, c1=…)."""
    return [
        Score(nomination, rater, c, float(per_criterion.get(f"c{i}", value)))
        for i, c in enumerate(CRITERIA)
    ]


@pytest.fixture
def lenient_and_harsh():
    """N, neutral, scores all four; L, lenient, only 1 and 2; H, harsh, only 3 and 4.

    N: 60 70 80 90 → mean 75, σ = √125 = 11.1803 → z = −1.3416 −0.4472 0.4472 1.3416
    L: 90 100 (1, 2) → mean 95, σ = 5 → z = −1, 1
    H: 40 50 (3, 4) → mean 45, σ = 5 → z = −1, 1
    corrected: 1 = (−1.3416 − 1)/2 = −1.1708; 2 = (−0.4472 + 1)/2 = 0.2764;
               3 = (0.4472 − 1)/2 = −0.2764; 4 = (1.3416 + 1)/2 = 1.1708
    raw means: 1 = 75, 2 = 85, 3 = 60, 4 = 70 → raw order 2, 1, 4, 3; corrected 4, 2, 3, 1."""
    scores = []
    for nomination, value in zip("1234", (60, 70, 80, 90), strict=True):
        scores += sheet(nomination, "N", value)
    scores += sheet("1", "L", 90) + sheet("2", "L", 100)
    scores += sheet("3", "H", 40) + sheet("4", "H", 50)
    return scores


def test_z_scores_per_rater_and_criterion(lenient_and_harsh):
    z = ranking.standardise(lenient_and_harsh)
    c = CRITERIA[0]
    assert z[("N", c, "1")] == pytest.approx(-15 / math.sqrt(125))
    assert z[("N", c, "4")] == pytest.approx(1.341641, abs=1e-6)
    assert z[("L", c, "1")] == pytest.approx(-1) and z[("L", c, "2")] == pytest.approx(1)
    assert z[("H", c, "3")] == pytest.approx(-1) and z[("H", c, "4")] == pytest.approx(1)


def test_bias_correction_reorders_a_lenient_and_a_harsh_rater(lenient_and_harsh):
    result = ranking.rank(lenient_and_harsh, {**EQUAL})
    by_id = {s.nomination: s for s in result.standings}
    assert [s.nomination for s in result.standings] == ["4", "2", "3", "1"]
    assert by_id["4"].total == pytest.approx(1.170820, abs=1e-6)
    assert by_id["2"].total == pytest.approx(0.276393, abs=1e-6)
    assert by_id["3"].total == pytest.approx(-0.276393, abs=1e-6)
    assert by_id["1"].total == pytest.approx(-1.170820, abs=1e-6)
    # The raw weighted mean rewards the lenient rater's nominations instead.
    assert [by_id[n].raw_weighted_mean for n in "1234"] == pytest.approx([75, 85, 60, 70])
    assert [by_id[n].raw_rank for n in "1234"] == [2, 1, 4, 3]
    assert by_id["4"].raters == 2 and by_id["1"].raters == 2


def test_weights_are_normalised_and_weight_the_criteria():
    # One rater, two nominations: a better on 创新引领性, b on 复制推广性.
    scores = sheet("a", "R", 70, c0=90) + sheet("b", "R", 70, c2=90)
    for weights, first in (
        ({**dict.fromkeys(CRITERIA, 0), CRITERIA[0]: 3, CRITERIA[2]: 1}, "a"),
        ({**dict.fromkeys(CRITERIA, 0), CRITERIA[0]: 0.1, CRITERIA[2]: 0.3}, "b"),
    ):
        result = ranking.rank(scores, weights)
        assert result.standings[0].nomination == first
        assert math.fsum(result.weights.values()) == pytest.approx(1)
    result = ranking.rank(scores, {**dict.fromkeys(CRITERIA, 0), CRITERIA[0]: 3, CRITERIA[2]: 1})
    # z: a is +1 on c0 and −1 on c2; total = 0.75 × 1 + 0.25 × (−1) = 0.5
    assert result.standings[0].total == pytest.approx(0.5)
    # raw: a = 0.75 × 90 + 0.25 × 70 = 85
    assert result.standings[0].raw_weighted_mean == pytest.approx(85)


def test_ties_go_to_practical_effectiveness_then_to_the_lower_id():
    # a and b: mirror images on 创新引领性 and 实践实效性 (equal weights) → equal totals (0);
    # b is better on 实践实效性, so b first. "9" and "10" are identical: 9 before 10 (numbers).
    scores = (
        sheet("a", "R", 70, c0=80, c1=60)
        + sheet("b", "R", 70, c0=60, c1=80)
        + sheet("9", "R", 70)
        + sheet("10", "R", 70)
    )
    weights = {**dict.fromkeys(CRITERIA, 0), CRITERIA[0]: 1, CRITERIA[1]: 1}
    result = ranking.rank(scores, weights)
    totals = {s.nomination: s.total for s in result.standings}
    assert totals["a"] == pytest.approx(totals["b"])
    assert [s.nomination for s in result.standings] == ["b", "9", "10", "a"]


def test_a_rater_who_gives_everyone_the_same_score_counts_zero():
    scores = (
        sheet("1", "flat", 80) + sheet("2", "flat", 80) + sheet("1", "R", 60) + sheet("2", "R", 90)
    )
    z = ranking.standardise(scores)
    assert z[("flat", CRITERIA[0], "1")] == 0 and z[("flat", CRITERIA[0], "2")] == 0
    result = ranking.rank(scores, EQUAL)
    assert result.standings[0].nomination == "2"
    assert result.standings[0].total == pytest.approx(0.5)  # (1 + 0) / 2


def kendall_block(third_rater):
    """Three raters, four nominations, criterion 创新引领性 only."""
    rows = [(10, 20, 30, 40), (15, 25, 35, 45), third_rater]
    return [
        Score(str(n + 1), f"R{r}", CRITERIA[0], float(v))
        for r, values in enumerate(rows)
        for n, v in enumerate(values)
        if v is not None
    ]


def test_kendall_w_on_a_complete_block():
    # Ranks 1234, 1234, 4321: rank sums 6 7 8 9, mean 7.5, S = 5; W = 12·5 / (9·60) = 1/9
    agreement = ranking.kendall_w(kendall_block((40, 30, 20, 10)), CRITERIA[0])
    assert agreement.w == pytest.approx(1 / 9)
    assert (agreement.raters, agreement.nominations) == (3, 4)


def test_kendall_w_with_ties():
    # Third rater: 40 40 20 10 → ranks 3.5 3.5 2 1 (one tie of 2: T = 6); rank sums 5.5 7.5 8 9
    # S = 4 + 0 + 0.25 + 2.25 = 6.5; W = 12·6.5 / (9·60 − 3·6) = 78 / 522
    agreement = ranking.kendall_w(kendall_block((40, 40, 20, 10)), CRITERIA[0])
    assert agreement.w == pytest.approx(78 / 522)


def test_kendall_w_of_an_incomplete_block_uses_the_common_nominations():
    # The third rater skipped nomination 4: W over 1, 2, 3 with ranks 123, 123, 321.
    # Rank sums 5 6 7, mean 6, S = 2; W = 12·2 / (9·24) = 1/9
    agreement = ranking.kendall_w(kendall_block((40, 30, 20, None)), CRITERIA[0])
    assert (agreement.raters, agreement.nominations) == (3, 3)
    assert agreement.w == pytest.approx(1 / 9)


def test_kendall_w_is_not_computable_with_too_little():
    one_rater = [s for s in kendall_block((40, 30, 20, 10)) if s.rater == "R0"]
    assert ranking.kendall_w(one_rater, CRITERIA[0]).w is None
    disjoint = [Score("1", "A", CRITERIA[0], 50), Score("2", "B", CRITERIA[0], 60)]
    assert ranking.kendall_w(disjoint, CRITERIA[0]).nominations == 0
    assert ranking.kendall_w(disjoint, CRITERIA[0]).w is None
    assert ranking.kendall_w(disjoint, CRITERIA[1]).raters == 0


def test_output_rows_have_four_decimals_and_no_negative_zero(lenient_and_harsh):
    result = ranking.rank(lenient_and_harsh, EQUAL)
    rows = ranking.output_rows(result)
    assert [str(v) for v in rows[0]] == [
        "1",
        "4",
        "1.1708",
        "70.0000",
        *["1.1708"] * 5,
    ]
    assert str(ranking.fixed(-0.00001)) == "0.0000"
    assert ranking.agreement_lines(result)[0] == "kendall_w 创新引领性 NA raters=3 nominations=0"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nomination,rater,criterion,score\n1,a,创新性,80\n", "第 2 行，criterion 列"),
        ("nomination,rater,criterion,score\n1,a,创新引领性,101\n", "第 2 行，score 列"),
        ("nomination,rater,criterion,score\n1,a,创新引领性,-1\n", "第 2 行，score 列"),
        ("nomination,rater,criterion,score\n1,a,创新引领性,abc\n", "第 2 行，score 列"),
        ("nomination,rater,criterion,score\n1,a,创新引领性,NaN\n", "第 2 行，score 列"),
        ("nomination,rater,criterion\n1,a,创新引领性\n", "第 1 行：缺少列 score"),
        ("nomination,rater,criterion,score,x\n", "第 1 行：多余的列 x"),
        ("rater,nomination,criterion,score\n", "第 1 行：列的顺序"),
        ("nomination,rater,criterion,score\n1,a,创新引领性\n", "第 2 行：应有 4 列"),
        ("nomination,rater,criterion,score\n,a,创新引领性,80\n", "第 2 行，nomination 列"),
    ],
)
def test_bad_scores_name_the_row_and_column(text, fragment):
    with pytest.raises(ranking.InputError) as e:
        ranking.read_scores(text.encode(), "scores.csv")
    assert "scores.csv" in str(e.value) and fragment in str(e.value)


def full(nomination, rater, value=80):
    return "".join(f"{nomination},{rater},{c},{value}\n" for c in CRITERIA)


def test_a_duplicate_names_both_rows():
    text = "nomination,rater,criterion,score\n" + full(1, "a") + f"1,a,{CRITERIA[3]},70\n"
    with pytest.raises(ranking.InputError, match="第 7 行.*重复评分（第 5 行已有）"):
        ranking.read_scores(text.encode(), "scores.csv")


def test_a_sheet_need_not_hold_every_criterion():
    text = "nomination,rater,criterion,score\n" + full(1, "a") + f"2,a,{CRITERIA[0]},70\n"
    assert len(ranking.read_scores(text.encode(), "scores.csv")) == 6


def test_scores_tolerate_a_bom_whitespace_and_blank_lines():
    text = "\ufeff nomination , rater,criterion ,score\n\n" + "".join(
        f" 1 , a , {c} , 80.5 \n" for c in CRITERIA
    )
    scores = ranking.read_scores(text.encode())
    assert scores[0] == Score("1", "a", CRITERIA[0], 80.5) and len(scores) == 5


def test_gbk_is_refused_with_its_line():
    text = "nomination,rater,criterion,score\n" + full(1, "a")
    with pytest.raises(ranking.InputError, match="第 2 行：不是 UTF-8"):
        ranking.read_scores(text.encode("gbk"), "scores.csv")


def test_a_criterion_left_out_of_the_weights_weighs_nothing():
    weights = ranking.read_weights('{"创新引领性": 1}'.encode(), "w.json")
    assert weights[CRITERIA[0]] == 1 and weights[CRITERIA[1]] == 0


def all_five(first, rest=1) -> str:
    return json.dumps({c: first if i == 0 else rest for i, c in enumerate(CRITERIA)})


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ("[1, 2]", "应为 JSON 对象"),
        ('{"创新": 1}', "未知的评价维度“创新”"),
        (all_five(-1), "非负"),
        (all_five("x"), "不是数字"),
        (all_five(0, rest=0), "全为 0"),
        ("{", "第 1 行，第 2 列"),
    ],
)
def test_bad_weights(weights, fragment):
    with pytest.raises(ranking.InputError, match=fragment):
        ranking.read_weights(weights.encode(), "weights.json")
