"""Has this claim been checked before? A two-stage lexical matcher, Django-free.

Stage one is BM25 over stemmed words (Snowball, French or English), kept as a
term-to-documents matrix so a query touches only the columns of its own words: a few
milliseconds against 100,000 claims. Stage two re-ranks the best candidates with what
survives paraphrase: character n-grams (inflections, compounds, misspellings), shared
figures and shared capitalised names, combined by a logistic model trained on
claim-matching data, so a score is a probability-like number that thresholds can use.
With the encoder, the cosine of the two texts' embeddings joins them, and so does how much
of the candidate's claim the query covers: BM25 asks how much of the query a document
explains, which a long post spreads thin; a short fact-checked claim wholly inside it is the
match even when the post says much else.
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

from claims.nlp import encoder
from claims.nlp.vectors import VectorStore

WEIGHTS_PATH = Path(__file__).parent / "data" / "matching.json"
FEATURES = ("bm25", "chars", "figures", "names")
# Share of the candidate's claim (its first line) found in the query: weighted by the words' idf, and as a count.
COVERAGE_FEATURES = ("covered", "covered_words")
DENSE_FEATURES = (*FEATURES, *COVERAGE_FEATURES, "dense")
CROSS_FEATURES = ("dense", "figures", "names")
# The dense stage sees a text's first DENSE_CHARS characters (cleaned), cut at a space.
DENSE_CHARS = 300
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
    language: str = ""  # the document's language


@dataclass
class Weights:
    """A logistic model over named features of a (query, candidate) pair."""

    coef: list[float] = field(default_factory=lambda: [6.0, 9.0, 1.3, 1.4])
    intercept: float = -6.0
    meta: dict = field(default_factory=dict)
    features: tuple[str, ...] = FEATURES

    def probability(self, row: dict[str, float]) -> float:
        margin = self.intercept + sum(c * row[name] for c, name in zip(self.coef, self.features, strict=True))
        return 1.0 / (1.0 + math.exp(-margin))

    def as_json(self) -> dict:
        return {
            "features": list(self.features),
            "coef": [round(c, 5) for c in self.coef],
            "intercept": round(self.intercept, 5),
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Weights":
        return cls(list(data["coef"]), float(data["intercept"]), data.get("meta", {}), tuple(data["features"]))


@dataclass
class Models:
    """The re-ranker's three models: words only (no encoder), words and meaning, and across languages.

    Across languages only what survives translation is weighed: the embeddings' cosine, shared
    figures and shared names. All three are trained on CheckThat! 2020 (English): the
    cross-language model on English pairs, since no cross-language pairs are in the data, which
    is why the desk never links a match in another language without asking (services/matching.py).
    """

    lexical: Weights = field(default_factory=Weights)
    dense: Weights | None = None
    cross: Weights | None = None

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> "Models":
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        loaded = {name: Weights.from_json(data[name]) for name in ("lexical", "dense", "cross") if name in data}
        return cls(**loaded)

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        payload = {
            name: w.as_json()
            for name, w in (("lexical", self.lexical), ("dense", self.dense), ("cross", self.cross))
            if w
        }
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


_CHARS = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**20, alternate_sign=False, norm="l2")


class MatchIndex:
    """Documents (id, text, language) searchable by `search`; grows with `add`.

    With `dense` (the default when the encoder package is installed) each document also has an
    embedding, given to `add` (stored ones, so a restart does not re-embed) or computed there.
    """

    def __init__(self, models: Models | None = None, dense: bool | None = None):
        self.models = models or Models.load()
        self.dense = encoder.available() if dense is None else dense
        if self.dense and self.models.dense is None:
            self.dense = False  # weights trained without the encoder: words only
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.langs: list[str] = []
        self._vocab: dict[str, int] = {}
        # Term counts, terms x documents, in blocks of consecutive documents (first document, CSR);
        # BM25 weighs them at query time, so adding documents never rewrites what is there.
        self._blocks: list[tuple[int, sparse.csr_matrix]] = []
        self._lengths = np.zeros(0, dtype=np.float64)  # each document's count of terms
        self._df = np.zeros(0, dtype=np.int64)  # each term's count of documents
        self._idf = np.zeros(0, dtype=np.float32)
        self._claim_terms_of: list[np.ndarray] = []  # each document's claim (its first line): its term ids
        self._vectors = VectorStore(encoder.DIM)
        self._facet_cache: dict[int, tuple[set, set]] = {}
        self._position: dict[str, int] = {}
        self._retired = np.zeros(0, dtype=np.int64)  # positions no search returns (see `retire`)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, documents: Iterable[tuple[str, str, str]], vectors: np.ndarray | None = None) -> None:
        """Add (id, text, lang) documents, with their embeddings if known (rows in the same order).

        The cost is the new documents' (their counts become one more block, merged into the one
        before while it holds at least a quarter as many documents, so each count is copied a
        logarithmic number of times); missing embeddings are computed in one batch.
        """
        start = len(self.ids)
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for doc_id, text, lang in documents:
            position = len(self.ids)
            self._position[str(doc_id)] = position
            self.ids.append(str(doc_id))
            self.texts.append(text)
            self.langs.append(lang)
            for term, count in Counter(stems(clean(text), lang)).items():
                rows.append(self._vocab.setdefault(term, len(self._vocab)))
                cols.append(position - start)
                counts.append(count)
            # The first line's words are among the whole text's, just added (checked on all 10,389 CheckThat! claims).
            claim_terms = {self._vocab[t] for t in stems(dense_document_text(text), lang)}
            self._claim_terms_of.append(np.fromiter(claim_terms, dtype=np.int32, count=len(claim_terms)))
        added = len(self.ids) - start
        if not added:
            return
        n_terms = len(self._vocab)
        term_ids, doc_cols = np.asarray(rows, dtype=np.int32), np.asarray(cols, dtype=np.int32)
        tf = np.asarray(counts, dtype=np.float32)
        self._blocks.append((start, sparse.csr_matrix((tf, (term_ids, doc_cols)), shape=(n_terms, added))))
        self._merge_blocks()
        self._lengths = np.concatenate([self._lengths, np.bincount(doc_cols, weights=tf, minlength=added)])
        self._df = np.bincount(term_ids, minlength=n_terms) + np.pad(self._df, (0, n_terms - len(self._df)))
        self._weigh_terms()
        if self.dense:
            self._add_vectors(embed_documents(self.texts[start:]) if vectors is None else vectors, start)

    def _weigh_terms(self) -> None:
        n_docs = len(self.ids) - len(self._retired)
        self._idf = np.log1p((n_docs - self._df + 0.5) / (self._df + 0.5)).astype(np.float32)

    def _merge_blocks(self) -> None:
        """Merge the last two blocks while the last holds at least a quarter of the documents before it."""
        while len(self._blocks) > 1 and 4 * self._blocks[-1][1].shape[1] >= self._blocks[-2][1].shape[1]:
            (first, a), (_second, b) = self._blocks[-2], self._blocks[-1]
            a, b = a.tocoo(), b.tocoo()
            merged = sparse.csr_matrix(
                (
                    np.concatenate([a.data, b.data]),
                    (np.concatenate([a.row, b.row]), np.concatenate([a.col, b.col + a.shape[1]])),
                ),
                shape=(max(a.shape[0], b.shape[0]), a.shape[1] + b.shape[1]),
            )
            self._blocks[-2:] = [(first, merged)]

    def _add_vectors(self, vectors: np.ndarray, start: int) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, encoder.DIM)
        if len(vectors) != len(self.ids) - start:
            raise ValueError(f"{len(vectors)} embeddings for {len(self.ids) - start} documents")
        self._vectors.add(vectors)

    def _bm25(self, known: list[tuple[int, int]]) -> np.ndarray:
        """Okapi BM25 of every document for the query's (term id, count) pairs: only those terms' postings."""
        terms = np.asarray([term for term, _n in known], dtype=np.int64)
        weight = self._idf[terms].astype(np.float64) * np.asarray([n for _t, n in known], dtype=np.float64)
        live = len(self.ids) - len(self._retired)
        avgdl = max(float(self._lengths.sum() - self._lengths[self._retired].sum()) / max(live, 1), 1e-9)
        docs, values = [], []
        for first, block in self._blocks:
            present = terms < block.shape[0]  # a term newer than the block has no count in it
            if not present.any():
                continue
            postings = block[terms[present]]
            tf = postings.data.astype(np.float64)
            doc = postings.indices + first
            norm = _K1 * (1 - _B + _B * self._lengths[doc] / avgdl)
            docs.append(doc)
            values.append(tf * (_K1 + 1) / (tf + norm) * np.repeat(weight[present], np.diff(postings.indptr)))
        if not docs:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.bincount(np.concatenate(docs), np.concatenate(values), len(self.ids)).astype(np.float32)

    def retire(self, doc_ids: Iterable[str]) -> None:
        """Documents no search returns again (a claim deleted since it was added).

        They leave BM25's statistics (document frequencies, count and average length), so the
        others score as in an index built without them; their counts stay in the blocks, their
        vectors are zeroed, and no search returns them, however many there are.
        """
        positions = {self._position[str(d)] for d in doc_ids if str(d) in self._position}
        new = np.setdiff1d(np.fromiter(positions, dtype=np.int64, count=len(positions)), self._retired)
        if not len(new):
            return
        for first, block in self._blocks:
            columns = new[(new >= first) & (new < first + block.shape[1])] - first
            if len(columns):
                terms = block[:, columns].nonzero()[0]
                self._df[: block.shape[0]] -= np.bincount(terms, minlength=block.shape[0])
        self._retired = np.union1d(self._retired, new)
        self._vectors.clear(new)
        self._weigh_terms()

    def search(self, text: str, lang: str = "en", top: int = 5, exclude: Iterable[str] = ()) -> list[Match]:
        """The `top` documents most likely to state the same claim as `text`, best first."""
        return self.search_many([text], lang, top, exclude)[0]

    def search_many(
        self,
        texts: Sequence[str],
        lang: str = "en",
        top: int = 5,
        exclude: Iterable[str] = (),
        vectors: np.ndarray | None = None,
    ) -> list[list[Match]]:
        """`search` for several texts at once (with their embeddings if known, else computed here)."""
        excluded = set(exclude)
        if self.dense and vectors is None:
            vectors = embed_queries(texts)
        retrieved = []
        for n, text in enumerate(texts):
            query = vectors[n] if self.dense else None
            candidates, signals = self._retrieve(text, lang, _CANDIDATES + len(excluded), query)
            retrieved.append(([i for i in candidates if self.ids[i] not in excluded], signals))
        all_rows = self._features_many(texts, lang, retrieved)
        results = []
        for text, (candidates, _signals), rows in zip(texts, retrieved, all_rows, strict=True):
            scores = [
                self._model(lang, self.langs[i]).probability(row) for i, row in zip(candidates, rows, strict=True)
            ]
            scored = sorted(
                zip(scores, candidates, strict=True), key=lambda pair: -pair[0]
            )  # ties keep stage one's order
            results.append(
                [
                    Match(self.ids[i], round(score, 4), _reasons(text, self.texts[i], lang), self.langs[i])
                    for score, i in scored[:top]
                ]
            )
        return results

    def _model(self, query_lang: str, doc_lang: str) -> Weights:
        if not self.dense:
            return self.models.lexical
        return self.models.dense if query_lang == doc_lang else self.models.cross

    def candidate_features(
        self, text: str, lang: str, vector: np.ndarray | None = None
    ) -> tuple[list[int], list[dict[str, float]]]:
        """Stage one's candidate positions and their feature rows (to train the weights)."""
        if self.dense and vector is None:
            vector = embed_queries([text])[0]
        candidates, signals = self._retrieve(text, lang, _CANDIDATES, vector)
        return candidates, self._features_many([text], lang, [(candidates, signals)])[0]

    def _retrieve(
        self, text: str, lang: str, limit: int, vector: np.ndarray | None = None
    ) -> tuple[list[int], dict[int, tuple[float, float]]]:
        """BM25's best `limit` and, with embeddings, the closest `limit` by cosine: their union.

        BM25 touches only the query's terms; its scores are divided by the query's own weight.
        Each candidate comes with (BM25, cosine); the cosine is 0 without embeddings.
        """
        query = Counter(stems(clean(text), lang))
        # A word only retired documents used is no longer known: its weight would shrink every score.
        known = [(self._vocab[t], n) for t, n in query.items() if t in self._vocab and self._df[self._vocab[t]]]
        lexical: list[int] = []
        scores = None
        if known:
            scores = self._bm25(known)
            scores /= float(sum(self._idf[t] * n for t, n in known)) or 1.0
            scores[self._retired] = 0.0
            lexical = [i for i in _best(scores, limit) if scores[i] > 0]
        if vector is None or not len(self.ids):
            return lexical, {i: (float(scores[i]), 0.0) for i in lexical}
        nearest, _cosines = self._vectors.nearest(vector, limit)
        retired = set(self._retired.tolist()) if len(self._retired) else ()
        candidates = list(dict.fromkeys(lexical + [int(i) for i in nearest if int(i) not in retired]))
        cosines = self._vectors.cosines(vector, candidates)
        return candidates, {
            i: (float(scores[i]) if scores is not None else 0.0, float(cosine))
            for i, cosine in zip(candidates, cosines, strict=True)
        }

    def _features_many(self, texts: Sequence[str], lang: str, retrieved) -> list[list[dict[str, float]]]:
        """Feature rows per text for its candidates; each document's n-grams are computed once."""
        positions = sorted({i for candidates, _signals in retrieved for i in candidates})
        if not positions:
            return [[] for _ in texts]
        cleaned = [clean(text) for text in texts]
        chars = _CHARS.transform(cleaned + [clean(self.texts[i]) for i in positions])
        queries, docs = chars[: len(texts)], chars[len(texts) :]
        row_of = {i: n for n, i in enumerate(positions)}
        all_rows = []
        for q, (text, (candidates, signals)) in enumerate(zip(cleaned, retrieved, strict=True)):
            sims = (docs[[row_of[i] for i in candidates]] @ queries[q].T).toarray().ravel() if candidates else []
            covered, covered_words = self._coverage(text, lang, candidates)
            query_figures, query_names = figures(text), names(text)
            rows = []
            for n, i in enumerate(candidates):
                doc_figures, doc_names = self._facets(i)
                bm25, dense = signals[i]
                rows.append(
                    {
                        "bm25": bm25,
                        "chars": float(sims[n]),
                        "figures": _overlap(query_figures, doc_figures),
                        "names": _overlap(query_names, doc_names),
                        "covered": float(covered[n]),
                        "covered_words": float(covered_words[n]),
                        "dense": dense,
                    }
                )
            all_rows.append(rows)
        return all_rows

    def _coverage(self, query: str, lang: str, candidates: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """For each candidate, the share of its claim's words the query has: idf-weighted, and counted."""
        if not candidates:
            return np.zeros(0), np.zeros(0)
        present = np.fromiter({self._vocab[t] for t in stems(query, lang) if t in self._vocab}, dtype=np.int32)
        claims = [self._claim_terms_of[i] for i in candidates]
        indices = np.concatenate(claims)
        owner = np.repeat(np.arange(len(candidates)), [len(terms) for terms in claims])
        found = np.isin(indices, present)
        weights = self._idf[indices]
        n = len(candidates)
        total, words = np.bincount(owner, weights, n), np.bincount(owner, minlength=n)
        covered = np.divide(np.bincount(owner, weights * found, n), total, out=np.zeros(n), where=total > 0)
        return covered, np.divide(np.bincount(owner, found, n), words, out=np.zeros(n), where=words > 0)

    def _facets(self, position: int) -> tuple[set, set]:
        """A document's figures and names, computed once (candidates recur from query to query)."""
        facets = self._facet_cache.get(position)
        if facets is None:
            text = self.texts[position]
            facets = self._facet_cache[position] = (figures(text), names(text))
        return facets


def dense_query_text(text: str) -> str:
    return clean(text)


def dense_document_text(text: str) -> str:
    """A document's first line: a fact-check's claim, not its headline (the claim is what recurs)."""
    return clean(text.split("\n", 1)[0])


def embed_queries(texts: Sequence[str], cache: Path | None = None) -> np.ndarray:
    """Queries are embedded with the model's "query: " prefix, documents with "passage: " (as the
    model was trained for retrieval: on CheckThat! 2020 dev the asymmetric pair scores 0.825
    MAP@5 re-ranked, "query: " on both sides 0.797). `cache` (an .npz) is for training and the bench.

    The shared store is keyed by the text the model sees, so a query the extraction's scorer saw
    whole (up to encoder.MAX_CHARS) gets the very vector the scorer computed; a longer one is
    embedded here to DENSE_CHARS: cutting it at the scorer's length would lose its end (measured:
    CheckThat! 2020 dev 0.834 -> 0.820 MAP@5, claims-fr 0.712 -> 0.702).
    """
    cleaned = [dense_query_text(text) for text in texts]
    if cache is not None:
        return encoder.embed_cached(cleaned, cache, max_chars=DENSE_CHARS, query=True)
    return encoder.embed(cleaned, max_chars=DENSE_CHARS, query=True, reuse=True)


def embed_documents(texts: Sequence[str], cache: Path | None = None) -> np.ndarray:
    cleaned = [dense_document_text(text) for text in texts]
    if cache is None:
        return encoder.embed(cleaned, max_chars=DENSE_CHARS, query=False)
    return encoder.embed_cached(cleaned, cache, max_chars=DENSE_CHARS, query=False)


def _best(scores: np.ndarray, limit: int) -> list[int]:
    """Positions of the `limit` highest scores, best first."""
    limit = min(limit, len(scores))
    if limit <= 0:
        return []
    best = np.argpartition(-scores, limit - 1)[:limit]
    return [int(i) for i in best[np.argsort(-scores[best], kind="stable")]]


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


def fit_weights(
    rows: Sequence[dict[str, float]], labels: Sequence[bool], meta: dict, features: Sequence[str] = FEATURES
) -> Weights:
    """A logistic model over the named features of stage one's candidates, labelled by qrels.

    Fitted on standardised features (BM25 and cosines live on different scales, and one C then
    suits all), then folded back so the stored coefficients apply to the raw features.
    """
    from sklearn.linear_model import LogisticRegression

    matrix = np.asarray([[row[name] for name in features] for row in rows], dtype=np.float64)
    mean, scale = matrix.mean(axis=0), matrix.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
    model.fit((matrix - mean) / scale, np.asarray(labels))
    coef = model.coef_[0] / scale
    intercept = float(model.intercept_[0] - (coef * mean).sum())
    return Weights([float(c) for c in coef], intercept, meta, tuple(features))
