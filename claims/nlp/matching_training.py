"""Training the matcher's re-ranking models (`make models`), Django-free.

Three logistic models over stage one's candidates, labelled by CheckThat!-style qrels: words
only (the fallback without the encoder), words and meaning (dense cosine), and what survives
translation (cosine, figures, names) for documents in another language than the query. The
encoder's vectors of the data are cached in `cache_dir`, so a second run embeds nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from claims.nlp import encoder
from claims.nlp.matching import (
    CROSS_FEATURES,
    DENSE_FEATURES,
    FEATURES,
    MatchIndex,
    Models,
    Weights,
    embed_documents,
    embed_queries,
    fit_weights,
)
from claims.nlp.trec import mean_average_precision

# The share of right answers among the top matches above each threshold, out of fold on the
# training tweets, each asked twice: as it is, and without its fact-check in the library (on
# a desk most claims were never checked). A suggestion should be right more often than not,
# a link made without asking nearly always. On CheckThat! 2020 no threshold reaches the latter
# (near-duplicate fact-checks in the library: the top one is often "wrong" by the qrels while
# stating the same claim), so `confirm` comes out as 1.0 and the setting's default is a choice.
SUGGEST_PRECISION, CONFIRM_PRECISION = 0.5, 0.97
FOLDS = 5

Pairs = Sequence[tuple[str, str]]


@dataclass
class Trained:
    models: Models
    report: dict = field(default_factory=dict)


def train(
    library: Pairs,
    queries: Pairs,
    qrels: dict[str, set[str]],
    *,
    dev: Pairs = (),
    dev_qrels: dict[str, set[str]] | None = None,
    cache_dir: Path | None = None,
    dense: bool = True,
) -> Trained:
    dense = dense and encoder.available()
    lexical_index = MatchIndex(Models(), dense=False)
    lexical_index.add((doc_id, text, "en") for doc_id, text in library)
    rows, labels, groups = _candidates(lexical_index, queries, qrels, None)
    _check_labels(labels)
    meta = {"trained_on": f"{len(queries)} queries, {sum(labels)} relevant pairs among the candidates"}
    models = Models(lexical=fit_weights(rows, labels, dict(meta), FEATURES))
    report: dict = {}
    if dense:
        library_vectors = _embed(library, embed_documents, cache_dir, "matching-library.npz")
        query_vectors = _embed(queries, embed_queries, cache_dir, "matching-queries.npz")
        index = MatchIndex(Models(Weights(), Weights(features=DENSE_FEATURES)), dense=True)
        index.add(((doc_id, text, "en") for doc_id, text in library), library_vectors)
        rows, labels, groups = _candidates(index, queries, qrels, query_vectors)
        _check_labels(labels)
        models.dense = fit_weights(rows, labels, dict(meta), DENSE_FEATURES)
        models.cross = fit_weights(rows, labels, dict(meta), CROSS_FEATURES)
        report["thresholds"] = _thresholds(rows, labels, groups)
        models.dense.meta.update(report["thresholds"])
    if dev and dev_qrels:
        report["dev_map_at_5"] = _dev_map(models, library, dev, dev_qrels, dense, cache_dir)
    return Trained(models, report)


def _embed(pairs: Pairs, embed, cache_dir: Path | None, name: str) -> np.ndarray:
    return embed([text for _id, text in pairs], None if cache_dir is None else cache_dir / name)


def _candidates(index: MatchIndex, queries: Pairs, qrels, vectors) -> tuple[list, list, list]:
    rows, labels, groups = [], [], []
    for n, (query_id, text) in enumerate(queries):
        candidates, features = index.candidate_features(text, "en", None if vectors is None else vectors[n])
        rows.extend(features)
        labels.extend(index.ids[i] in qrels.get(query_id, ()) for i in candidates)
        groups.extend([n] * len(candidates))
    return rows, labels, groups


def _check_labels(labels: list[bool]) -> None:
    if sum(labels) < 20:
        raise ValueError(f"Only {sum(labels)} relevant pairs among the candidates; the qrels and ids disagree?")


def _thresholds(rows: list[dict], labels: list[bool], groups: list[int]) -> dict:
    """Suggest and confirm thresholds from out-of-fold scores of each query's top candidate."""
    groups_arr = np.asarray(groups)
    fold_of = {g: k % FOLDS for k, g in enumerate(sorted(set(groups)))}
    tops = []
    for k in range(FOLDS):
        held = np.asarray([fold_of[g] == k for g in groups])
        train_rows = [r for r, h in zip(rows, held, strict=True) if not h]
        model = fit_weights(train_rows, [lab for lab, h in zip(labels, held, strict=True) if not h], {}, DENSE_FEATURES)
        for g in sorted({g for g, h in zip(groups, held, strict=True) if h}):
            positions = np.flatnonzero(groups_arr == g)
            scored = [(model.probability(rows[p]), labels[p]) for p in positions]
            tops.append(max(scored, key=lambda pair: pair[0]))
            # The same query once its fact-check is gone: a claim never checked before, as most are.
            unseen = [pair for pair in scored if not pair[1]]
            if unseen:
                tops.append(max(unseen, key=lambda pair: pair[0]))
    return {
        "suggest": _lowest_threshold(tops, SUGGEST_PRECISION),
        "confirm": _lowest_threshold(tops, CONFIRM_PRECISION),
        "precision_above": {
            str(t): round(float(np.mean([right for score, right in tops if score >= t] or [0])), 3)
            for t in (0.5, 0.8, 0.9, 0.95, 0.99)
        },
        "questions": len(tops),
    }


def _lowest_threshold(tops: list[tuple[float, bool]], precision: float) -> float:
    """The lowest score (two decimals) above which the top candidate is right at least `precision` of the time."""
    for threshold in np.arange(0.0, 1.0, 0.01):
        above = [right for score, right in tops if score >= threshold]
        if above and sum(above) / len(above) >= precision:
            return round(float(threshold), 2)
    return 1.0


def _dev_map(models: Models, library: Pairs, dev: Pairs, dev_qrels, dense: bool, cache_dir) -> dict:
    found = {}
    for name, use_dense in (("lexical", False), ("dense", True)) if dense else (("lexical", False),):
        index = MatchIndex(models, dense=use_dense)
        vectors = _embed(library, embed_documents, cache_dir, "matching-library.npz") if use_dense else None
        index.add(((doc_id, text, "en") for doc_id, text in library), vectors)
        query_vectors = _embed(dev, embed_queries, cache_dir, "matching-queries.npz") if use_dense else None
        results = index.search_many([text for _id, text in dev], "en", 5, vectors=query_vectors)
        runs = {query_id: [m.doc_id for m in matches] for (query_id, _t), matches in zip(dev, results, strict=True)}
        found[name] = round(mean_average_precision(runs, dev_qrels), 4)
    return found
