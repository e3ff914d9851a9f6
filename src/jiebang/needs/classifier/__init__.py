"""The Chinese complaint classifier: character n-grams + a linear model (scikit-learn).

Pure Python, no database: `classify()` loads the shipped, versioned model file once.
"""

from .engine import MODEL_FILE, MODEL_VERSION, classify, load_model

__all__ = ["MODEL_FILE", "MODEL_VERSION", "classify", "load_model"]
