"""Training, evaluation and prediction of the complaint classifier.

Features are character n-grams (Chinese has no spaces, and typos or dialect leave most
n-grams intact). Candidate models are compared by cross-validated macro-F1 on the training
split; the winner is evaluated once on a held-out split, then refitted on everything and saved.
Confidence is a calibrated probability, so a low value honestly means "unsure".
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .features import CharNgramTfidf

HERE = Path(__file__).parent
CORPUS_DIR = HERE / "corpus"
MODEL_VERSION = "1"
MODEL_FILE = HERE / "model" / f"classifier-v{MODEL_VERSION}.joblib"
SEED = 20241

# The default taxonomy, in display order (admin-editable in the database).
CATEGORIES = [
    ("appointment", "预约挂号"),
    ("queue", "排队候诊"),
    ("process", "就医流程与指引"),
    ("tests", "检查检验"),
    ("billing", "收费与医保"),
    ("attitude", "服务态度与医德"),
    ("environment", "环境与后勤"),
    ("primary_care", "基层服务能力"),
    ("other", "其他"),
]


@dataclass
class Example:
    text: str
    category: str
    style: str = ""


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    examples = []
    for path in sorted(directory.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("text") and row.get("category"):
                    examples.append(Example(row["text"], row["category"], row.get("style", "")))
    return examples


def _svm(ngram_range):
    return Pipeline(
        [
            ("features", CharNgramTfidf(ngram_range=ngram_range, min_df=2)),
            (
                "model",
                # One SVM refit on all data, calibrated by cross-validated sigmoid fitting:
                # honest probabilities from a single, small model.
                CalibratedClassifierCV(
                    LinearSVC(C=0.5, class_weight="balanced"), method="sigmoid", ensemble=False
                ),
            ),
        ]
    )


def candidates() -> dict:
    """The models compared by measurement (see the closing note of the stage-1 issue)."""
    return {
        "logreg_char13": Pipeline(
            [
                ("features", CharNgramTfidf(ngram_range=(1, 3), min_df=2)),
                ("model", LogisticRegression(C=30.0, max_iter=3000, class_weight="balanced")),
            ]
        ),
        "svm_char13": _svm((1, 3)),
        "svm_char14": _svm((1, 4)),
    }


@dataclass
class TrainingReport:
    chosen: str
    cv_scores: dict[str, float]
    heldout_macro_f1: float
    report: str
    confusion: list[list[int]]
    labels: list[str]
    n_train: int
    n_test: int
    n_corrections: int = 0
    extra: dict = field(default_factory=dict)

    def render(self) -> str:
        lines = [
            f"examples: {self.n_train} train / {self.n_test} held out"
            f" (staff corrections included: {self.n_corrections})",
            "cross-validated macro-F1 on the training split: "
            + ", ".join(f"{k} {v:.3f}" for k, v in self.cv_scores.items()),
            f"chosen model: {self.chosen}",
            f"held-out macro-F1: {self.heldout_macro_f1:.3f}",
            "",
            self.report,
            "confusion matrix (rows: true, columns: predicted):",
        ]
        width = max(len(label) for label in self.labels)
        short = [label[:2] for label in self.labels]
        lines.append(" " * (width + 2) + " ".join(f"{s:>4}" for s in short))
        for label, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"{label:<{width}}  " + " ".join(f"{n:>4}" for n in row))
        return "\n".join(lines)


def train(
    examples: Sequence[Example],
    corrections: Iterable[tuple[str, str]] = (),
    output: Path | None = MODEL_FILE,
    progress=print,
    models: Sequence[str] | None = None,
) -> TrainingReport:
    """Choose a model by cross-validation, report it on a held-out split, save the refit.

    `models` narrows the candidates (one name skips the cross-validation)."""
    corrections = list(corrections)
    texts = [e.text for e in examples] + [t for t, _c in corrections]
    labels = [e.category for e in examples] + [c for _t, c in corrections]
    # Hold out by stratified split; corrections only ever train (they are not our test).
    n_corpus = len(examples)
    idx = np.arange(n_corpus)
    train_idx, test_idx = train_test_split(
        idx, test_size=0.2, random_state=SEED, stratify=[labels[i] for i in idx]
    )
    train_idx = np.concatenate([train_idx, np.arange(n_corpus, len(texts))])
    x_train = [texts[i] for i in train_idx]
    y_train = [labels[i] for i in train_idx]
    x_test = [texts[i] for i in test_idx]
    y_test = [labels[i] for i in test_idx]

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    cv_scores = {}
    chosen_from = {k: v for k, v in candidates().items() if not models or k in models}
    for name, pipeline in chosen_from.items():
        if len(chosen_from) == 1:
            cv_scores[name] = float("nan")
            break
        progress(f"cross-validating {name}…")
        scores = cross_val_score(pipeline, x_train, y_train, cv=folds, scoring="f1_macro")
        cv_scores[name] = float(scores.mean())
    chosen = max(cv_scores, key=cv_scores.get)

    progress(f"evaluating {chosen} on the held-out split…")
    model = candidates()[chosen].fit(x_train, y_train)
    predicted = model.predict(x_test)
    ordered = [name for _code, name in CATEGORIES if name in set(labels)]
    ordered += sorted(set(labels) - set(ordered))
    report = TrainingReport(
        chosen=chosen,
        cv_scores=cv_scores,
        heldout_macro_f1=float(f1_score(y_test, predicted, average="macro")),
        report=classification_report(y_test, predicted, labels=ordered, digits=3),
        confusion=confusion_matrix(y_test, predicted, labels=ordered).tolist(),
        labels=ordered,
        n_train=len(x_train),
        n_test=len(x_test),
        n_corrections=len(corrections),
    )
    if output is not None:
        progress("refitting on all examples…")
        final = candidates()[chosen].fit(texts, labels)
        output.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {"version": MODEL_VERSION, "pipeline": final, "name": chosen}, output, compress=3
        )
        load_model.cache_clear()
    return report


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE):
    bundle = joblib.load(path)
    return bundle["pipeline"]


def classify(texts: Sequence[str]) -> list[tuple[str, float]]:
    """(category name, confidence 0–1) for each text, in one batch."""
    if not texts:
        return []
    model = load_model()
    probabilities = model.predict_proba(list(texts))
    best = probabilities.argmax(axis=1)
    classes = model.classes_
    return [
        (str(classes[i]), round(float(p[i]), 4)) for i, p in zip(best, probabilities, strict=True)
    ]
