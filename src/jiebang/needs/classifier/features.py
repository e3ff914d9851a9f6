"""Character n-gram TF-IDF features, computed with NumPy for a whole batch at once.

scikit-learn's TfidfVectorizer builds n-grams in Python, one document at a time (about 6,000
short texts a second here); a year of hotline orders needs far more. This transformer hashes
every n-gram of a batch in vectorised NumPy, keeps the n-grams seen in at least `min_df`
training documents (a compact vocabulary, so the model file stays small), and applies the
same sublinear TF, smooth IDF and L2 normalisation as TfidfVectorizer.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize

_MULTIPLIER = np.uint64(1_000_003)
_BUCKETS = 1 << 22


def _normalised_codes(texts) -> np.ndarray:
    """Code points of the batch, NUL-separated, normalised in NumPy: full-width forms to
    ASCII, upper to lower case, every digit to 0, whitespace to a space."""
    joined = "\x00".join(t or "" for t in texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).copy()
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[wide] -= 0xFEE0
    codes[(codes == 0x3000) | (codes == 0x09) | (codes == 0x0A) | (codes == 0x0D)] = 0x20
    upper = (codes >= 0x41) & (codes <= 0x5A)
    codes[upper] += 0x20
    codes[(codes >= 0x30) & (codes <= 0x39)] = 0x30
    return codes.astype(np.uint64)


def _hashed_ngrams(texts, ngram_range):
    """(document index, bucket) of every character n-gram of every text.

    The whole batch is one array of code points (texts separated by NUL) hashed with
    vectorised polynomial hashing; n-grams spanning a NUL are dropped.
    """
    codes = _normalised_codes(texts)
    is_sep = codes == 0
    doc = np.cumsum(is_sep) - is_sep  # index of the text each character belongs to
    seps_before = np.concatenate([[0], np.cumsum(is_sep)])
    mask = np.uint64(_BUCKETS - 1)
    docs, buckets = [], []
    lo, hi = ngram_range
    for n in range(lo, hi + 1):
        count = len(codes) - n + 1
        if count <= 0:
            continue
        h = codes[:count] * _MULTIPLIER + np.uint64(n)
        for k in range(1, n):
            h = (h ^ codes[k : k + count]) * _MULTIPLIER
        clean = (seps_before[n : n + count] - seps_before[:count]) == 0
        docs.append(doc[:count][clean])
        buckets.append((h[clean] & mask).astype(np.int64))
    return np.concatenate(docs), np.concatenate(buckets)


class CharNgramTfidf(BaseEstimator, TransformerMixin):
    def __init__(self, ngram_range=(1, 3), min_df=2, sublinear_tf=True):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf

    def _counts(self, texts):
        docs, buckets = _hashed_ngrams(texts, self.ngram_range)
        return docs, buckets

    def fit(self, texts, y=None):
        docs, buckets = self._counts(texts)
        pairs = np.unique(docs * _BUCKETS + buckets)
        df = np.bincount(pairs % _BUCKETS, minlength=_BUCKETS)
        kept = np.flatnonzero(df >= self.min_df)
        self.column_of_ = np.full(_BUCKETS, -1, dtype=np.int32)
        self.column_of_[kept] = np.arange(len(kept), dtype=np.int32)
        n = len(texts)
        self.idf_ = (np.log((1 + n) / (1 + df[kept])) + 1).astype(np.float32)
        return self

    def transform(self, texts):
        docs, buckets = self._counts(texts)
        columns = self.column_of_[buckets]
        keep = columns >= 0
        matrix = sp.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.float32), (docs[keep], columns[keep])),
            shape=(len(texts), len(self.idf_)),
        )
        matrix.sum_duplicates()
        if self.sublinear_tf:
            np.log(matrix.data, out=matrix.data)
            matrix.data += 1
        matrix.data *= self.idf_[matrix.indices]
        return normalize(matrix, norm="l2", copy=False)

    def __getstate__(self):
        # Store the vocabulary sparsely: the bucket map is mostly -1.
        state = dict(self.__dict__)
        if "column_of_" in state:
            state["kept_buckets_"] = np.flatnonzero(state.pop("column_of_") >= 0).astype(np.int32)
        return state

    def __setstate__(self, state):
        kept = state.pop("kept_buckets_", None)
        self.__dict__.update(state)
        if kept is not None:
            self.column_of_ = np.full(_BUCKETS, -1, dtype=np.int32)
            self.column_of_[kept] = np.arange(len(kept), dtype=np.int32)
