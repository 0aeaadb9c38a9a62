"""Training and evaluating the scorers (scikit-learn). Django-free; used by commands and bench/."""

import csv
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from claims.nlp import models
from claims.nlp.attribute import claimant
from claims.nlp.cues import Cues, add_context, cues
from claims.nlp.entities import entities
from claims.nlp.ngram import NgramModel
from claims.nlp.segment import sentences

csv.field_size_limit(sys.maxsize)
_WORD = re.compile(r"\w{3,}")


@dataclass
class Labelled:
    ids: list[str]
    texts: list[str]
    labels: np.ndarray  # bool


def read_labelled_tsv(path) -> Labelled:
    """A TSV with `Text` and `class_label` (Yes/No) columns, and optionally `Sentence_id`."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    if not rows or "Text" not in rows[0] or "class_label" not in rows[0]:
        raise ValueError(f"{path} needs a header with Text and class_label columns")
    return Labelled(
        ids=[r.get("Sentence_id") or str(i) for i, r in enumerate(rows)],
        texts=[r["Text"] for r in rows],
        labels=np.array([r["class_label"].strip().lower() == "yes" for r in rows]),
    )


def prf(labels: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    labels, predicted = np.asarray(labels, bool), np.asarray(predicted, bool)
    tp = int((labels & predicted).sum())
    precision = tp / max(1, int(predicted.sum()))
    recall = tp / max(1, int(labels.sum()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def train_ngram(data: Labelled, *, language: str, C: float = 0.5, keep_n: int = 200, folds: int = 5) -> NgramModel:
    """Fit the n-gram model; pick its threshold by cross-validation grouped by source block.

    Sentence ids run in source order (debate after debate), so blocks of ids keep one
    debate's sentences in one fold: the threshold is chosen for unseen debates.
    """
    started = time.time()
    groups = _blocks(data.ids, folds)
    oof = np.zeros(len(data.texts))
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(data.texts, data.labels, groups):
        fold = _fit([data.texts[i] for i in train_idx], data.labels[train_idx], language=language, C=C, keep_n=keep_n)
        oof[test_idx] = fold.predict_proba([data.texts[i] for i in test_idx])
    threshold = max(np.arange(0.3, 0.71, 0.025), key=lambda t: prf(data.labels, oof >= t)["f1"])
    model = _fit(data.texts, data.labels, language=language, C=C, keep_n=keep_n)
    model.meta.update(
        threshold=round(float(threshold), 3),
        cross_validation=prf(data.labels, oof >= threshold) | {"folds": folds, "grouped_by": "id blocks"},
        train_sentences=len(data.texts),
        train_positive=int(data.labels.sum()),
        train_seconds=round(time.time() - started, 1),
    )
    return model


def _fit(texts, labels, *, language: str, C: float, keep_n: int) -> NgramModel:
    vectorizers, keep, matrix = NgramModel.fit_views(texts, keep_n)
    classifier = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(matrix, labels)
    meta = {
        "version": f"ngram-{language}-{time.strftime('%Y%m%d')}",
        "language": language,
        "threshold": 0.5,
        "params": {"C": C, "keep_n": keep_n, "class_weight": "balanced"},
    }
    return NgramModel(vectorizers, keep, classifier.coef_[0], classifier.intercept_[0], meta)


def _blocks(ids: Sequence[str], folds: int) -> np.ndarray:
    numeric = np.array([int(i) if str(i).isdigit() else n for n, i in enumerate(ids)])
    edges = np.quantile(numeric, np.linspace(0, 1, folds * 4 + 1)[1:-1])
    return np.searchsorted(edges, numeric)


# --- French: ranking the sentences of a post -----------------------------------------


@dataclass
class RankingSample:
    sentences: list[str]
    cues: list[Cues]
    target: int  # index of the sentence closest to the fact-checkers' normalised claim


def ranking_samples(posts: Sequence[tuple[str, str]], language: str = "fr", max_chars: int = 5000):
    """(post, normalised claim) → sentences with their cues and the closest sentence's index."""
    nlp = models.load(language)
    samples = []
    for post, claim in posts:
        text = post[:max_chars]
        found, seen = [], Counter()
        for sentence in sentences(nlp, text):
            original = text[sentence.start : sentence.end]
            seen[original] += 1
            if seen[original] > 1:  # posts repeat themselves; rank each sentence once
                continue
            offset = sentence.start - sentence.span.start_char
            ents = entities(sentence.span, offset)
            found.append((original, cues(sentence.span, original, ents, claimant(sentence.span, language))))
        if len(found) < 2:
            continue
        add_context([c for _, c in found], [s for s, _ in found], [seen[s] for s, _ in found])
        target = max(range(len(found)), key=lambda i: _overlap(found[i][0], claim))
        samples.append(RankingSample([s for s, _ in found], [c for _, c in found], target))
    return samples


def _overlap(sentence: str, claim: str) -> float:
    a, b = set(_WORD.findall(sentence.lower())), set(_WORD.findall(claim.lower()))
    if not a or not b:
        return 0.0
    common = len(a & b)
    return 2 * common / (len(a) + len(b))


def top1_accuracy(samples: Sequence[RankingSample], score) -> float:
    """How often the best-scored sentence (first on ties) is the target."""
    hits = 0
    for sample in samples:
        scores = score(sample)
        hits += int(int(np.argmax(scores)) == sample.target)
    return round(hits / max(1, len(samples)), 4)


CONTEXT_CUES = ("lede", "early", "central", "repeated")
PRIOR_SHARE = 0.3  # measured: 0.3 of the news-oriented priors ranks best on held-out posts
TARGET_RECALL = 0.8


def tune_cue_scorer(samples: Sequence[RankingSample], prior, *, version: str, C: float = 0.3):
    """Pairwise-trained cue weights, blended with the priors, with a recall-first threshold.

    Pairs (the fact-checkers' sentence minus each other sentence of its post) train a
    ranking; the bias is then set so that TARGET_RECALL of those sentences score ≥ 0.5.
    """
    from claims.nlp.scorer import CueScorer

    names = [*prior.weights, *(c for c in CONTEXT_CUES if c not in prior.weights)]
    learned = _pairwise_weights(samples, names, C)
    weights = {n: round(PRIOR_SHARE * prior.weights.get(n, 0.0) + (1 - PRIOR_SHARE) * learned[n], 3) for n in names}
    margins = sorted(sum(weights[n] * s.cues[s.target].values.get(n, 0.0) for n in names) for s in samples)
    bias = -margins[int((1 - TARGET_RECALL) * len(margins))]
    return CueScorer(version, round(bias, 3), weights, 0.5)


def _pairwise_weights(samples, names, C):
    rows, labels = [], []
    for sample in samples:
        target = np.array([sample.cues[sample.target].values.get(n, 0.0) for n in names])
        for i, found in enumerate(sample.cues):
            if i != sample.target:
                diff = target - np.array([found.values.get(n, 0.0) for n in names])
                rows += [diff, -diff]
                labels += [1, 0]
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=3000).fit(np.array(rows), np.array(labels))
    return dict(zip(names, model.coef_[0], strict=True))


def split_for_tuning(samples: Sequence[RankingSample]):
    """Every fifth post is held out from tuning, for the benchmark."""
    tune = [s for i, s in enumerate(samples) if i % 5 != 0]
    held = [s for i, s in enumerate(samples) if i % 5 == 0]
    return tune, held


def read_claims_fr(path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [(r["post"], r["normalized claim"]) for r in csv.DictReader(handle)]


def first_sentence(sample: RankingSample) -> list[float]:
    """The baseline ranking: always the first sentence."""
    return [1.0] + [0.0] * (len(sample.sentences) - 1)
