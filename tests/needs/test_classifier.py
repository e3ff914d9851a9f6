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


def test_fused_scorer_gives_the_pipelines_probabilities():
    """classify() computes TF-IDF, the linear model and its calibration in one pass; the
    numbers are scikit-learn's own, for texts of every style and for degenerate ones."""
    import numpy as np

    from jiebang.needs.classifier.engine import FusedScorer, load_model

    model = load_model()
    scorer = FusedScorer.from_pipeline(model)
    assert scorer is not None
    texts = [e.text for e in load_corpus()[::7]] + ["", "  ", "ＡＢＣ１２３", "号", "挂号难" * 400]
    fused = scorer.predict_proba(texts)
    reference = model.predict_proba(texts)
    assert np.abs(fused - reference).max() < 1e-5
    assert (fused.argmax(axis=1) == reference.argmax(axis=1)).all()
    assert list(scorer.classes) == list(model.classes_)
    labels = classify(texts)
    assert [name for name, _p in labels] == list(model.classes_[reference.argmax(axis=1)])


def test_fused_scorer_batches_and_logistic_regression():
    """Batches longer than one pass, and the softmax of a multinomial logistic regression."""
    import numpy as np

    from jiebang.needs.classifier.engine import FusedScorer, candidates

    examples = load_corpus()[::3]
    texts, labels = [e.text for e in examples], [e.category for e in examples]
    model = candidates()["logreg_char13"].set_params(model__max_iter=300).fit(texts, labels)
    scorer = FusedScorer.from_pipeline(model)
    scorer.BATCH = 100
    fused = scorer.predict_proba(texts)
    assert fused.shape == (len(texts), len(CATEGORIES))
    assert np.abs(fused - model.predict_proba(texts)).max() < 1e-5


def test_repeated_texts_get_the_same_answer_in_order():
    texts = ["专家号太难挂了", "医院厕所太脏了", "专家号太难挂了", "", "医院厕所太脏了"]
    answers = classify(texts)
    assert answers == [classify([t])[0] for t in texts]
    assert answers[0] == answers[2] and answers[1] == answers[4]
