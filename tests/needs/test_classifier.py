"""The classifier: shipped model, the classify command, and the quality report."""

import csv
import io

from django.core.management import call_command

from jiebang.needs.classifier import MODEL_FILE, classify
from jiebang.needs.classifier.engine import CATEGORIES, load_corpus


def test_model_ships_and_answers_every_category():
    assert MODEL_FILE.exists()
    [(category, confidence)] = classify(["医院厕所太脏了"])
    assert category in {name for _code, name in CATEGORIES}
    assert 0 < confidence <= 1


def test_classify_command_round_trip(tmp_path):
    source = tmp_path / "in.csv"
    with open(source, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerow(["1", "专家号太难挂了，网上一放号就没了"])
        writer.writerow(["2", "村卫生室没有降压药，只能跑到县城去买"])
    target = tmp_path / "out.csv"
    call_command("classify", "--input", str(source), "--output", str(target), stdout=io.StringIO())
    with open(target, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert [r["text"] for r in rows][0].startswith("专家号")
    assert all(r["category"] and 0 < float(r["confidence"]) <= 1 for r in rows)


def test_corpus_covers_every_category_in_three_styles():
    examples = load_corpus()
    for _code, name in CATEGORIES:
        mine = [e for e in examples if e.category == name]
        assert len(mine) >= 150, name
        assert {e.style for e in mine} >= {"hotline", "qr", "online"}, name
    assert len({e.text for e in examples}) == len(examples)


def test_quality_report_from_the_shipped_corpus():
    from jiebang.needs.classifier.engine import train

    report = train(load_corpus(), output=None, progress=lambda m: None, models=["svm_char13"])
    text = report.render()
    assert report.heldout_macro_f1 >= 0.8
    for _code, name in CATEGORIES:
        assert name in text
    assert "precision" in text and "confusion matrix" in text
    assert len(report.confusion) == len(CATEGORIES)
