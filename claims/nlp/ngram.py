"""A check-worthiness classifier over word, character and "shape" n-grams, stored as JSON.

The shape view keeps frequent (function) words and replaces the rest by their shape
("we cut taxes by 30 percent" → "we <w> <s> by <num> percent"), so the model learns how a
claim is built, not only what it is about: measured, that is what holds up on debates
it was not trained on.
"""

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

FORMAT = "factcheck-ngram-1"
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:'\w+)?|[^\w\s]")
_VIEWS = {
    "word": {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2},
    "char": {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 3, "max_features": 150000},
    "shape": {"ngram_range": (1, 3), "sublinear_tf": True, "min_df": 2, "token_pattern": r"\S+", "lowercase": False},
}


def frequent_words(texts: Sequence[str], n: int = 200) -> list[str]:
    counts = Counter(token.lower() for text in texts for token in _TOKEN.findall(text))
    return [word for word, _count in counts.most_common(n)]


def shape_text(text: str, keep: frozenset[str]) -> str:
    return " ".join(_shape(token, keep) for token in _TOKEN.findall(text))


def _shape(token: str, keep: frozenset[str]) -> str:
    lower = token.lower()
    if token[0].isdigit():
        return "<num>"
    if lower in keep:
        return lower
    if token[0].isupper():
        return "<Cap>"
    for suffix in ("ly", "ed", "ing", "s"):
        if lower.endswith(suffix):
            return f"<{suffix}>"
    return "<w>"


class NgramModel:
    def __init__(self, vectorizers: dict[str, TfidfVectorizer], keep: list[str], coef, intercept: float, meta: dict):
        self.vectorizers, self.keep = vectorizers, frozenset(keep)
        self._keep_list = keep
        self.coef, self.intercept, self.meta = np.asarray(coef, dtype=np.float64), float(intercept), meta

    @property
    def threshold(self) -> float:
        return float(self.meta["threshold"])

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def features(self, texts: Sequence[str]):
        shaped = [shape_text(t, self.keep) for t in texts]
        inputs = {"word": texts, "char": texts, "shape": shaped}
        return sparse.hstack([self.vectorizers[name].transform(inputs[name]) for name in _VIEWS]).tocsr()

    def predict_proba(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        margins = self.features(texts) @ self.coef + self.intercept
        return [1.0 / (1.0 + math.exp(-m)) for m in margins]

    def save(self, directory: Path) -> Path:
        payload = {
            "format": FORMAT,
            "meta": self.meta,
            "keep": self._keep_list,
            "intercept": self.intercept,
            "coef": [round(float(w), 5) for w in self.coef],
            "views": {name: _dump_vectorizer(self.vectorizers[name]) for name in _VIEWS},
        }
        return write_model(directory / "model.json.gz", payload, directory / "metrics.json")

    @classmethod
    def load(cls, directory: Path) -> "NgramModel":
        payload = read_model(directory / "model.json.gz", FORMAT)
        vectorizers = {name: _load_vectorizer(name, payload["views"][name]) for name in _VIEWS}
        return cls(vectorizers, payload["keep"], payload["coef"], payload["intercept"], payload["meta"])

    @classmethod
    def fit_views(cls, texts: Sequence[str], keep_n: int = 200):
        """Fit the three vectorizers; return (vectorizers, keep, feature matrix)."""
        keep = frequent_words(texts, keep_n)
        keep_set = frozenset(keep)
        shaped = [shape_text(t, keep_set) for t in texts]
        inputs = {"word": texts, "char": texts, "shape": shaped}
        vectorizers, blocks = {}, []
        for name, params in _VIEWS.items():
            vectorizer = TfidfVectorizer(**params)
            blocks.append(vectorizer.fit_transform(inputs[name]))
            vectorizers[name] = vectorizer
        return vectorizers, keep, sparse.hstack(blocks).tocsr()


def _dump_vectorizer(vectorizer: TfidfVectorizer) -> dict:
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    return {"vocabulary": vocabulary, "idf": [round(float(x), 4) for x in vectorizer.idf_]}


def _load_vectorizer(name: str, data: dict) -> TfidfVectorizer:
    params = {k: v for k, v in _VIEWS[name].items() if k not in ("min_df", "max_features")}
    vectorizer = TfidfVectorizer(**params, vocabulary={term: i for i, term in enumerate(data["vocabulary"])})
    vectorizer.idf_ = np.asarray(data["idf"], dtype=np.float64)
    return vectorizer


def write_model(path: Path, payload: dict, metrics: Path) -> Path:
    """A model as gzipped plain JSON (never pickle), and its metadata beside it, readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    metrics.write_text(json.dumps(payload["meta"], indent=2, ensure_ascii=False) + "\n")
    return path


def read_model(path: Path, expected_format: str) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    if payload.get("format") != expected_format:
        raise ValueError(f"{path} is not a {expected_format} model")
    return payload
