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

# Polynomial hashing in 32-bit arithmetic: only the low 22 bits are kept, and the low bits of
# sums, products and XORs depend only on the low bits of their operands, so the buckets are
# the same as with 64-bit arithmetic (the model file was fitted with that) at half the memory
# traffic.
_MULTIPLIER = np.uint32(1_000_003)
_BUCKETS = 1 << 22
_MASK = np.uint32(_BUCKETS - 1)


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
    return codes


def _ngram_buckets(codes, ngram_range):
    """For each n: (bucket of the n-gram starting at each position, whether it lies inside one
    text — n-grams spanning the NUL between two texts are not n-grams of either)."""
    inside = codes != 0
    clean = inside
    lo, hi = ngram_range
    for n in range(1, hi + 1):
        count = len(codes) - n + 1
        if count <= 0:
            return
        if n > 1:
            clean = clean[:count] & inside[n - 1 : n - 1 + count]
        if n < lo:
            continue
        h = codes[:count] * _MULTIPLIER + np.uint32(n)
        for k in range(1, n):
            h ^= codes[k : k + count]
            h *= _MULTIPLIER
        yield n, h & _MASK, clean


def _hashed_ngrams(texts, ngram_range):
    """(document index, bucket) of every character n-gram of every text.

    The whole batch is one array of code points (texts separated by NUL) hashed with
    vectorised polynomial hashing; n-grams spanning a NUL are dropped.
    """
    codes = _normalised_codes(texts)
    is_sep = codes == 0
    doc = np.cumsum(is_sep) - is_sep  # index of the text each character belongs to
    docs, buckets = [], []
    for _n, bucket, clean in _ngram_buckets(codes, ngram_range):
        docs.append(doc[: len(bucket)][clean])
        buckets.append(bucket[clean].astype(np.int64))
    if not docs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(docs), np.concatenate(buckets)


def column_keys(texts, ngram_range, column_of, bits, dtype) -> np.ndarray:
    """Sorted `document << bits | column` of every n-gram of the texts that is in the
    vocabulary (one entry per occurrence): the input of a fused TF-IDF × linear model.

    `column_of` maps a bucket to its column (-1: not in the vocabulary) and has one extra
    entry, -1, for n-grams spanning two texts; a key with column -1 is negative and is cut
    off after sorting, which is cheaper than filtering each n-gram array."""
    codes = _normalised_codes(texts)
    is_sep = codes == 0
    doc = (np.cumsum(is_sep) - is_sep).astype(dtype) << dtype(bits)
    keys = []
    for _n, bucket, clean in _ngram_buckets(codes, ngram_range):
        bucket[~clean] = _BUCKETS
        keys.append(doc[: len(bucket)] | column_of[bucket].astype(dtype))
    if not keys:
        return np.zeros(0, dtype)
    keys = np.sort(np.concatenate(keys))
    return keys[np.searchsorted(keys, 0) :]


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
