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
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .features import CharNgramTfidf, column_keys

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


class FusedScorer:
    """The fitted pipeline's `predict_proba` computed in one pass over a batch.

    scikit-learn builds the TF-IDF matrix (COO → CSR, sorting every row, summing duplicates,
    normalising), then the linear model multiplies it and the calibrators map each class's
    decision value through its sigmoid. Here the n-gram keys of the batch are sorted once,
    the term frequencies read off the runs, and the L2 norm applied to the decision values
    instead of to the matrix: the same numbers (to float32 rounding) at about half the cost.
    Only for the shapes this project trains: CharNgramTfidf followed by a linear model, calibrated
    by sigmoids (CalibratedClassifierCV) or multinomial (LogisticRegression).
    """

    BATCH = 4096  # texts per pass: bounds memory, and document << bits stays in int32

    def __init__(self, features: CharNgramTfidf, linear_models, classes):
        self.ngram_range = features.ngram_range
        self.sublinear_tf = features.sublinear_tf
        self.idf = features.idf_.astype(np.float32)
        self.columns = len(self.idf)
        self.bits = max(1, self.columns.bit_length())
        self.dtype = np.int32 if (self.BATCH << self.bits) < 2**31 else np.int64
        self.column_of = np.append(features.column_of_, -1).astype(self.dtype)
        # (weights columns × classes, intercepts, sigmoid slopes and offsets or None: softmax)
        self.linear_models = linear_models
        self.classes = np.asarray(classes)

    @classmethod
    def from_pipeline(cls, pipeline) -> "FusedScorer | None":
        steps = getattr(pipeline, "named_steps", {})
        features, model = steps.get("features"), steps.get("model")
        if not isinstance(features, CharNgramTfidf) or model is None:
            return None
        classes = model.classes_
        models = []
        if isinstance(model, CalibratedClassifierCV):
            for calibrated in model.calibrated_classifiers_:
                estimator = calibrated.estimator
                if (
                    calibrated.method != "sigmoid"
                    or not hasattr(estimator, "coef_")
                    or len(classes) < 3
                    or not np.array_equal(estimator.classes_, classes)
                ):
                    return None
                slopes = np.array([c.a_ for c in calibrated.calibrators])
                offsets = np.array([c.b_ for c in calibrated.calibrators])
                models.append((estimator.coef_, estimator.intercept_, slopes, offsets))
        elif isinstance(model, LogisticRegression) and len(classes) >= 3:
            models.append((model.coef_, model.intercept_, None, None))
        else:
            return None
        linear = [
            (np.ascontiguousarray(coef.T, dtype=np.float32), intercept, a, b)
            for coef, intercept, a, b in models
        ]
        return cls(features, linear, classes)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        parts = [
            self._batch(texts[start : start + self.BATCH])
            for start in range(0, len(texts), self.BATCH)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, len(self.classes)))

    def _batch(self, texts) -> np.ndarray:
        n = len(texts)
        keys = column_keys(texts, self.ngram_range, self.column_of, self.bits, self.dtype)
        # Runs of equal keys: one (document, column) each, its length the term frequency.
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        if len(keys):
            starts = np.concatenate(([0], starts))
        unique = keys[starts]
        column = unique & ((1 << self.bits) - 1)
        weight = self.idf[column]
        tf = np.diff(starts, append=len(keys))
        repeated = np.flatnonzero(tf > 1)  # most n-grams of a short text occur once
        tf = tf[repeated].astype(np.float32)
        weight[repeated] *= np.log(tf) + 1 if self.sublinear_tf else tf
        # Keys are sorted by document: row boundaries by binary search.
        first_keys = np.arange(n + 1, dtype=np.int64) << self.bits
        indptr = np.searchsorted(unique, first_keys.astype(unique.dtype, copy=False))
        matrix = sp.csr_matrix((weight, column, indptr), shape=(n, self.columns))
        squares = np.square(weight)
        norms = np.zeros(n, dtype=np.float64)
        filled = indptr[:-1] < indptr[1:]
        if len(squares):
            norms[filled] = np.add.reduceat(squares, indptr[:-1][filled])
        norms = np.sqrt(norms)
        norms[norms == 0] = 1
        proba = np.zeros((n, len(self.classes)))
        for coef, intercept, slopes, offsets in self.linear_models:
            decision = (matrix @ coef) / norms[:, None] + intercept
            if slopes is None:  # multinomial logistic regression: softmax
                proba += softmax(decision, axis=1)
                continue
            p = expit(-(decision * slopes + offsets))
            total = p.sum(axis=1, keepdims=True)
            proba += np.divide(p, total, out=np.full_like(p, 1 / p.shape[1]), where=total != 0)
        return proba / len(self.linear_models)


@lru_cache(maxsize=1)
def _scorer(pipeline):
    return FusedScorer.from_pipeline(pipeline)


def classify(texts: Sequence[str]) -> list[tuple[str, float]]:
    """(category name, confidence 0–1) for each text, in one batch. A text repeated in the
    batch word for word (a complaint filed again) is scored once."""
    if not texts:
        return []
    model = load_model()
    scorer = _scorer(model)
    distinct = list(dict.fromkeys(texts))
    if scorer is not None:
        probabilities, classes = scorer.predict_proba(distinct), scorer.classes
    else:
        probabilities, classes = model.predict_proba(distinct), model.classes_
    best = probabilities.argmax(axis=1)
    confidence = probabilities[np.arange(len(best)), best].tolist()
    labels = classes[best].tolist()
    answers = [(str(label), round(p, 4)) for label, p in zip(labels, confidence, strict=True)]
    if len(distinct) == len(texts):
        return answers
    answer_of = dict(zip(distinct, answers, strict=True))
    return [answer_of[text] for text in texts]
