"""Has this claim been checked before? A two-stage lexical matcher, Django-free.

Stage one is BM25 over stemmed words (Snowball, French or English), kept as a
term-to-documents matrix so a query touches only the columns of its own words: a few
milliseconds against 100,000 claims. Stage two re-ranks the best candidates with what
survives paraphrase: character n-grams (inflections, compounds, misspellings), shared
figures and shared capitalised names, combined by a logistic model trained on
claim-matching data, so a score is a probability-like number that thresholds can use.
"""

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

WEIGHTS_PATH = Path(__file__).parent / "data" / "matching.json"
FEATURES = ("bm25", "chars", "figures", "names")
_K1, _B = 1.2, 0.75
_CANDIDATES = 20

_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+", re.IGNORECASE)
_SIGNATURE = re.compile(r"[—–-]\s*([^—–()@]{1,60}?)\s*\(@\w+\)\s*\w+\s+\d{1,2},\s*\d{4}\s*$")
_HANDLE = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-ZÀ-Ý][\w'-]+")
_STOP = {
    "en": frozenset(
        [
            "a",
            "an",
            "and",
            "are",
            "as",
            "at",
            "be",
            "by",
            "for",
            "from",
            "has",
            "have",
            "he",
            "her",
            "his",
            "i",
            "in",
            "is",
            "it",
            "its",
            "of",
            "on",
            "or",
            "she",
            "that",
            "the",
            "their",
            "they",
            "this",
            "to",
            "was",
            "we",
            "were",
            "will",
            "with",
            "you",
        ]
    ),
    "fr": frozenset(
        [
            "a",
            "au",
            "aux",
            "avec",
            "ce",
            "ces",
            "dans",
            "de",
            "des",
            "du",
            "elle",
            "en",
            "est",
            "et",
            "il",
            "ils",
            "la",
            "le",
            "les",
            "leur",
            "mais",
            "ne",
            "nous",
            "on",
            "ou",
            "par",
            "pas",
            "pour",
            "qu",
            "que",
            "qui",
            "sa",
            "se",
            "ses",
            "son",
            "sur",
            "un",
            "une",
            "vous",
            "y",
        ]
    ),
}


def clean(text: str) -> str:
    """Drop links and a tweet's "— Name (@handle) date" signature (keeping the name); split hashtags."""
    text = _URL.sub(" ", text)
    text = _SIGNATURE.sub(r" \1", text.strip())
    text = _HANDLE.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)), text)
    return _HASHTAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)), text)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=4)
def _stemmer(lang: str):
    return snowballstemmer.stemmer("french" if lang == "fr" else "english")


@lru_cache(maxsize=300_000)
def _stem(lang: str, word: str) -> str:
    """Snowball in pure Python costs ~70 µs a word; a desk's vocabulary repeats, so remember."""
    return _fold(_stemmer(lang).stemWord(word))


def stems(text: str, lang: str) -> list[str]:
    stop = _STOP.get(lang, _STOP["en"])
    words = (w.lower() for w in _WORD.findall(text.replace("\u2019", "'")))
    return [_stem(lang, w) for w in words if w not in stop and (len(w) > 1 or w.isdigit())]


def figures(text: str) -> set[str]:
    return {f.replace(",", ".").rstrip("0").rstrip(".") or "0" for f in _FIGURE.findall(text)}


def names(text: str) -> set[str]:
    """Capitalised words not at the start of a sentence: people, places, organisations."""
    found = set()
    for match in _NAME.finditer(text):
        before = text[: match.start()].rstrip()
        if before and before[-1] not in ".!?\"'«“:":
            found.add(_fold(match.group().lower()))
    return found


@dataclass(frozen=True)
class Match:
    doc_id: str
    score: float
    reasons: tuple[str, ...] = ()


@dataclass
class Weights:
    coef: list[float] = field(default_factory=lambda: [6.0, 9.0, 1.3, 1.4])
    intercept: float = -6.0
    meta: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> "Weights":
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(data["coef"], data["intercept"], data.get("meta", {}))

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        payload = {
            "features": FEATURES,
            "coef": [round(c, 5) for c in self.coef],
            "intercept": round(self.intercept, 5),
            "meta": self.meta,
        }
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")

    def probability(self, row: Sequence[float]) -> float:
        margin = self.intercept + sum(c * x for c, x in zip(self.coef, row, strict=True))
        return 1.0 / (1.0 + math.exp(-margin))


_CHARS = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**20, alternate_sign=False, norm="l2")


class MatchIndex:
    """Documents (id, text, language) searchable by `search`; grows with `add`."""

    def __init__(self, weights: Weights | None = None):
        self.weights = weights or Weights.load()
        self.ids: list[str] = []
        self.texts: list[str] = []
        self._vocab: dict[str, int] = {}
        self._rows: list[int] = []  # (term, document, count) triples, appended as documents arrive
        self._cols: list[int] = []
        self._counts: list[int] = []
        self._matrix = sparse.csr_matrix((0, 0), dtype=np.float32)  # terms x documents, BM25 weights
        self._idf = np.zeros(0, dtype=np.float32)
        self._facet_cache: dict[int, tuple[set, set]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, documents: Iterable[tuple[str, str, str]]) -> None:
        """Add (id, text, lang) documents. The BM25 weights are recomputed once per call, in numpy."""
        for doc_id, text, lang in documents:
            position = len(self.ids)
            self.ids.append(str(doc_id))
            self.texts.append(text)
            for term, count in Counter(stems(clean(text), lang)).items():
                self._rows.append(self._vocab.setdefault(term, len(self._vocab)))
                self._cols.append(position)
                self._counts.append(count)
        self._reweigh()

    def _reweigh(self) -> None:
        rows, cols = np.asarray(self._rows, dtype=np.int32), np.asarray(self._cols, dtype=np.int32)
        counts = np.asarray(self._counts, dtype=np.float32)
        n_docs, n_terms = len(self.ids), len(self._vocab)
        lengths = np.bincount(cols, weights=counts, minlength=n_docs)
        df = np.bincount(rows, minlength=n_terms)
        self._idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = _K1 * (1 - _B + _B * lengths / max(lengths.mean() if n_docs else 1.0, 1e-9))
        data = counts * (_K1 + 1) / (counts + norm[cols]) * self._idf[rows]
        self._matrix = sparse.csr_matrix((data.astype(np.float32), (rows, cols)), shape=(n_terms, n_docs))

    def search(self, text: str, lang: str = "en", top: int = 5, exclude: Iterable[str] = ()) -> list[Match]:
        """The `top` documents most likely to state the same claim as `text`, best first."""
        return self.search_many([text], lang, top, exclude)[0]

    def search_many(
        self, texts: Sequence[str], lang: str = "en", top: int = 5, exclude: Iterable[str] = ()
    ) -> list[list[Match]]:
        """`search` for several texts at once: one character n-gram pass over all their candidates."""
        excluded = set(exclude)
        retrieved = []
        for text in texts:
            candidates, bm25 = self._retrieve(text, lang, _CANDIDATES + len(excluded))
            retrieved.append(([i for i in candidates if self.ids[i] not in excluded][:_CANDIDATES], bm25))
        all_rows = self._features_many(texts, retrieved)
        results = []
        for text, (candidates, _bm25), rows in zip(texts, retrieved, all_rows, strict=True):
            scores = [self.weights.probability(row) for row in rows]
            scored = sorted(zip(scores, candidates, strict=True), key=lambda pair: -pair[0])  # ties keep BM25's order
            results.append(
                [Match(self.ids[i], round(score, 4), _reasons(text, self.texts[i], lang)) for score, i in scored[:top]]
            )
        return results

    def candidate_features(self, text: str, lang: str) -> tuple[list[int], list[list[float]]]:
        """Stage one's candidate positions and their feature rows (to train the weights)."""
        candidates, bm25 = self._retrieve(text, lang, _CANDIDATES)
        return candidates, self._features_many([text], [(candidates, bm25)])[0]

    def _retrieve(self, text: str, lang: str, limit: int) -> tuple[list[int], dict[int, float]]:
        """BM25 over stems, touching only the query's terms; scores divided by the query's own weight."""
        query = Counter(stems(clean(text), lang))
        known = [(self._vocab[t], n) for t, n in query.items() if t in self._vocab]
        if not known:
            return [], {}
        terms = [term for term, _n in known]
        scores = np.asarray(self._matrix[terms].T @ np.asarray([n for _t, n in known], dtype=np.float32)).ravel()
        limit = min(limit, len(scores))
        best = np.argpartition(-scores, limit - 1)[:limit]
        best = best[np.argsort(-scores[best])]
        own = float(sum(self._idf[t] * n for t, n in known)) or 1.0
        candidates = [int(i) for i in best if scores[i] > 0]
        return candidates, {i: float(scores[i]) / own for i in candidates}

    def _features_many(self, texts: Sequence[str], retrieved) -> list[list[list[float]]]:
        """Feature rows per text for its candidates; each document's n-grams are computed once."""
        positions = sorted({i for candidates, _bm25 in retrieved for i in candidates})
        if not positions:
            return [[] for _ in texts]
        cleaned = [clean(text) for text in texts]
        chars = _CHARS.transform(cleaned + [clean(self.texts[i]) for i in positions])
        queries, docs = chars[: len(texts)], chars[len(texts) :]
        row_of = {i: n for n, i in enumerate(positions)}
        all_rows = []
        for q, (text, (candidates, bm25)) in enumerate(zip(cleaned, retrieved, strict=True)):
            sims = (docs[[row_of[i] for i in candidates]] @ queries[q].T).toarray().ravel() if candidates else []
            query_figures, query_names = figures(text), names(text)
            rows = []
            for n, i in enumerate(candidates):
                doc_figures, doc_names = self._facets(i)
                shared = _overlap(query_figures, doc_figures), _overlap(query_names, doc_names)
                rows.append([bm25[i], float(sims[n]), *shared])
            all_rows.append(rows)
        return all_rows

    def _facets(self, position: int) -> tuple[set, set]:
        """A document's figures and names, computed once (candidates recur from query to query)."""
        facets = self._facet_cache.get(position)
        if facets is None:
            text = self.texts[position]
            facets = self._facet_cache[position] = (figures(text), names(text))
        return facets


def _overlap(a: set, b: set) -> float:
    """Shared share of the smaller set; 0 when either has none (no evidence either way)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _reasons(query_text: str, doc_text: str, lang: str) -> tuple[str, ...]:
    """What the two texts share, for a person deciding whether they are the same claim."""
    reasons = []
    shared_figures = sorted(figures(clean(query_text)) & figures(doc_text))
    if shared_figures:
        reasons.append("figures: " + ", ".join(shared_figures[:4]))
    doc_stems = set(stems(doc_text, lang))
    stop = _STOP.get(lang, _STOP["en"])
    words = (w.lower() for w in _WORD.findall(clean(query_text).replace("\u2019", "'")))
    shared = list(
        dict.fromkeys(
            w for w in words if w not in stop and not w.isdigit() and len(w) > 1 and _stem(lang, w) in doc_stems
        )
    )
    if shared:
        reasons.append("words: " + ", ".join(shared[:6]))
    return tuple(reasons)


def fit_weights(rows: Sequence[Sequence[float]], labels: Sequence[bool], meta: dict) -> Weights:
    """A logistic model over the feature rows of stage one's candidates, labelled by qrels."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced").fit(np.asarray(rows), np.asarray(labels))
    return Weights([float(c) for c in model.coef_[0]], float(model.intercept_[0]), meta)
