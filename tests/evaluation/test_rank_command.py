"""`jiebang rank --input scores.csv --weights weights.json --output ranking.csv`: the interface
other systems rely on."""

import csv
import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from jiebang.evaluation.ranking import CRITERIA

WEIGHTS = {"创新引领性": 20, "实践实效性": 30, "复制推广性": 20, "社会认同感": 15, "制度规范性": 15}


def sheet_rows(nomination, rater, value):
    return [f"{nomination},{rater},{c},{value}" for c in CRITERIA]


@pytest.fixture
def files(tmp_path):
    """The lenient/harsh example of test_ranking: corrected order 4, 2, 3, 1."""
    rows = ["nomination,rater,criterion,score"]
    for nomination, value in zip("1234", (60, 70, 80, 90), strict=True):
        rows += sheet_rows(nomination, "N", value)
    rows += sheet_rows(1, "L", 90) + sheet_rows(2, "L", 100)
    rows += sheet_rows(3, "H", 40) + sheet_rows(4, "H", 50)
    scores = tmp_path / "scores.csv"
    scores.write_text("\n".join(rows) + "\n", encoding="utf-8")
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps(WEIGHTS, ensure_ascii=False), encoding="utf-8")
    return scores, weights, tmp_path / "ranking.csv"


def run(scores, weights, output):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "rank",
        "--input",
        str(scores),
        "--weights",
        str(weights),
        "--output",
        str(output),
        stdout=out,
        stderr=err,
    )
    return out.getvalue()


def test_happy_path_columns_and_figures(files):
    scores, weights, output = files
    stdout = run(scores, weights, output)
    rows = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["rank", "nomination", "total", "raw_weighted_mean", *CRITERIA]
    assert [r[:4] for r in rows[1:]] == [
        # The weights as given (20/30/20/15/15): total = Σ weight × criterion score.
        ["1", "4", "117.0820", "70.0000"],
        ["2", "2", "27.6393", "85.0000"],
        ["3", "3", "-27.6393", "60.0000"],
        ["4", "1", "-117.0820", "75.0000"],
    ]
    assert rows[1][4:] == ["1.1708"] * 5
    lines = stdout.splitlines()
    assert lines[0].startswith("ranked 4 nominations from 3 raters")
    assert lines[1:] == [f"kendall_w {c} NA raters=3 nominations=0" for c in CRITERIA]


def test_kendall_w_lines_on_a_complete_block(tmp_path):
    rows = ["nomination,rater,criterion,score"]
    for rater, values in (
        ("A", (10, 20, 30, 40)),
        ("B", (15, 25, 35, 45)),
        ("C", (40, 30, 20, 10)),
    ):
        for nomination, value in enumerate(values, start=1):
            rows += sheet_rows(nomination, rater, value)
    scores = tmp_path / "scores.csv"
    scores.write_text("\ufeff" + "\n".join(rows), encoding="utf-8")
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps(WEIGHTS, ensure_ascii=False), encoding="utf-8")
    stdout = run(scores, weights, tmp_path / "out.csv")
    assert f"kendall_w {CRITERIA[0]} 0.1111 raters=3 nominations=4" in stdout.splitlines()


def refuse(tmp_path, scores_text, weights=None):
    scores = tmp_path / "bad.csv"
    scores.write_text(scores_text, encoding="utf-8")
    weights_file = tmp_path / "w.json"
    weights_file.write_text(json.dumps(weights or WEIGHTS, ensure_ascii=False), encoding="utf-8")
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError) as e:
        run(scores, weights_file, output)
    assert e.value.returncode == 2
    assert not output.exists()
    return str(e.value)


GOOD = "nomination,rater,criterion,score\n" + "\n".join(sheet_rows(1, "a", 80)) + "\n"


@pytest.mark.parametrize(
    ("extra_row", "fragment"),
    [
        ("2,a,创新力,80", "bad.csv 第 7 行，criterion 列：未知的评价维度“创新力”"),
        ("2,a,创新引领性,101", "bad.csv 第 7 行，score 列：分数 101 超出 0–100 的范围"),
        ("2,a,创新引领性,-1", "bad.csv 第 7 行，score 列：分数 -1 超出 0–100 的范围"),
        ("2,a,创新引领性,abc", "bad.csv 第 7 行，score 列：“abc”不是数字"),
        (
            f"1,a,{CRITERIA[2]},70",
            "bad.csv 第 7 行：评审人“a”对“1”的“复制推广性”重复评分（第 4 行已有）",
        ),
    ],
)
def test_bad_rows_exit_2_naming_the_row(tmp_path, extra_row, fragment):
    assert fragment in refuse(tmp_path, GOOD + extra_row + "\n")


def test_missing_column_exits_2(tmp_path):
    message = refuse(tmp_path, "nomination,rater,score\n1,a,80\n")
    assert "bad.csv 第 1 行：缺少列 criterion" in message


def test_bad_weights_exit_2(tmp_path):
    message = refuse(tmp_path, GOOD, weights={"创新引领性": -1})
    assert "w.json" in message and "非负" in message


def test_unreadable_input_exits_2(tmp_path):
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError) as e:
        run(tmp_path / "none.csv", tmp_path / "none.json", output)
    assert e.value.returncode == 2 and "none.csv：无法读取" in str(e.value)


def test_the_real_command_exits_2_with_the_message_on_stderr(tmp_path):
    scores = tmp_path / "scores.csv"
    scores.write_text(GOOD + "2,a,创新引领性,101\n", encoding="utf-8")
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps(WEIGHTS, ensure_ascii=False), encoding="utf-8")
    output = tmp_path / "ranking.csv"
    command = [sys.executable, "-m", "jiebang", "rank", "--input", str(scores)]
    command += ["--weights", str(weights), "--output", str(output)]
    refused = subprocess.run(command, capture_output=True, text=True, check=False)
    assert refused.returncode == 2
    assert "第 7 行，score 列" in refused.stderr and refused.stdout == ""
    scores.write_text(GOOD, encoding="utf-8")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert output.read_text(encoding="utf-8-sig").startswith("rank,nomination,total")
