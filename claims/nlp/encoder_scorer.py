"""The encoder scorer: one linear model over a sentence's embedding, its cues, and n-grams.

log-odds = intercept + embedding · w_e + cues · w_c (+ n-gram tf-idf · w_n, English)

Stored as plain JSON (gzip), no pickle: `encoder.json.gz`, trained by `make models`
(claims/nlp/train_encoder.py). The encoder runs only on sentences that can be claims
(`could_be_claim`), batched over the whole text; the others get the embedding's average
share from training, so their scores stay on the same scale.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from claims.nlp import encoder
from claims.nlp.cues import Cues
from claims.nlp.ngram import NgramModel, _dump_vectorizer, _load_vectorizer, read_model, write_model
from claims.nlp.scorer import Parts, sigmoid

FORMAT = "factcheck-encoder-1"
FILE = "encoder.json.gz"

# The cues every language's model reads; context cues (position in the text, word centrality,
# repetition) only where the training data has texts (French posts), not for isolated debate sentences.
SENTENCE_FEATURES = (
    "figure",
    "date",
    "person",
    "organisation",
    "place",
    "reported",
    "quote",
    "comparison",
    "prediction",
    "causal",
    "event",
    "conditional",
    "conditional_mood",
    "question",
    "exclamation",
    "opinion",
    "call_to_action",
    "hedge",
    "first_person",
    "short",
    "long",
    "no_verb",
    "length",
)
CONTEXT_FEATURES = ("lede", "early", "central", "repeated")
MIN_WORDS = 3


def dense_matrix(found: Sequence[Cues], names: Sequence[str]) -> np.ndarray:
    return np.array([[c.values.get(n, 0.0) for n in names] for c in found], dtype=np.float64).reshape(-1, len(names))


def could_be_claim(found: Cues) -> bool:
    """Sentences worth the encoder's time: not a question, a call to share, or two words without a figure.

    Measured on claims-fr: skipping every short sentence (under six words) too cost 2 points of
    top-1 (posts state claims tersely), so only these are skipped.
    """
    values = found.values
    too_short = values.get("length", 1.0) * 50 < MIN_WORDS and not values.get("figure")
    return not (values.get("question") or values.get("call_to_action") or too_short)


@dataclass
class EncoderScorer:
    meta: dict
    intercept: float
    embedding: np.ndarray  # (encoder.DIM,)
    dense_names: list[str]  # the cues (and context cues) the model weighs
    dense: np.ndarray
    embedding_mean: float  # the embedding's average share of the log-odds in training
    ngram: NgramModel | None = None  # its coef only; the intercept is ours
    weights: dict[str, float] = field(init=False)

    def __post_init__(self):
        self.weights = dict(zip(self.dense_names, map(float, self.dense), strict=True))

    @property
    def version(self) -> str:
        return f"{self.meta['version']}+{encoder.SHORT_NAME}"

    @property
    def threshold(self) -> float:
        return float(self.meta["threshold"])

    def score(self, texts: Sequence[str], found: Sequence[Cues]) -> list[float]:
        return self.explain(texts, found)[0]

    def explain(self, texts: Sequence[str], found: Sequence[Cues]) -> tuple[list[float], list[Parts]]:
        """Scores, and each sentence's log-odds by part (for its reasons)."""
        if not texts:
            return [], []
        model_part, dense = self._parts(texts, found, None)
        margins = self.intercept + model_part + dense.sum(axis=1)
        parts = []
        for m, row in zip(model_part, dense, strict=True):
            part = {"model": float(m)}
            for name, value in zip(self.dense_names, row, strict=True):
                if value:
                    part[name] = part.get(name, 0.0) + float(value)
            parts.append(part)
        return [sigmoid(float(m)) for m in margins], parts

    def score_vectors(self, texts: Sequence[str], found: Sequence[Cues], vectors: np.ndarray) -> np.ndarray:
        """Probabilities from embeddings computed elsewhere (training, benchmarks), by the same rules."""
        model_part, dense = self._parts(texts, found, vectors)
        margins = self.intercept + model_part + dense.sum(axis=1)
        return 1.0 / (1.0 + np.exp(-np.clip(margins, -30, 30)))

    def _parts(self, texts, found, vectors) -> tuple[np.ndarray, np.ndarray]:
        """The model's share (embedding and n-grams) and each dense feature's, per sentence."""
        mask = np.array([could_be_claim(c) for c in found], dtype=bool)
        features = dense_matrix(found, self.dense_names)
        chosen = np.zeros((len(texts), encoder.DIM), dtype=np.float32)
        if mask.any():
            wanted = [t for t, keep in zip(texts, mask, strict=True) if keep]
            # kept: the matcher reuses a kept claim's vector as its query
            chosen[mask] = encoder.embed(wanted, keep=True) if vectors is None else vectors[mask]
        embedding = np.where(mask, chosen @ self.embedding, self.embedding_mean)
        return embedding + self.ngram_part(texts), features * self.dense

    def ngram_part(self, texts: Sequence[str]) -> np.ndarray:
        if self.ngram is None:
            return np.zeros(len(texts))
        return np.asarray(self.ngram.features(list(texts)) @ self.ngram.coef).ravel()

    def save(self, directory: Path) -> Path:
        payload = {
            "format": FORMAT,
            "meta": self.meta,
            "intercept": self.intercept,
            "embedding": [round(float(w), 6) for w in self.embedding],
            "embedding_mean": self.embedding_mean,
            "dense": dict(zip(self.dense_names, (round(float(w), 6) for w in self.dense), strict=True)),
            "ngram": None if self.ngram is None else _dump_ngram(self.ngram),
        }
        return write_model(directory / FILE, payload, directory / "encoder-metrics.json")

    @classmethod
    def load(cls, directory: Path) -> "EncoderScorer":
        payload = read_model(directory / FILE, FORMAT)
        ngram = payload["ngram"]
        return cls(
            meta=payload["meta"],
            intercept=float(payload["intercept"]),
            embedding=np.asarray(payload["embedding"], dtype=np.float32),
            dense_names=list(payload["dense"]),
            dense=np.asarray(list(payload["dense"].values()), dtype=np.float64),
            embedding_mean=float(payload["embedding_mean"]),
            ngram=None if ngram is None else _load_ngram(ngram),
        )


def _dump_ngram(model: NgramModel) -> dict:
    return {
        "keep": model._keep_list,
        "coef": [round(float(w), 5) for w in model.coef],
        "views": {name: _dump_vectorizer(v) for name, v in model.vectorizers.items()},
    }


def _load_ngram(data: dict) -> NgramModel:
    vectorizers = {name: _load_vectorizer(name, view) for name, view in data["views"].items()}
    return NgramModel(vectorizers, data["keep"], data["coef"], 0.0, {"threshold": 0.5, "version": "joint"})
