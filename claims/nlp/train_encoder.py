"""Training the encoder scorers (scikit-learn over cached embeddings). Django-free.

English: one logistic regression over the n-gram views, the embedding and the sentence
cues, on the English debates; its threshold is the one that maximises F1 on debates left
out of training (grouped cross-validation), never dev or the sample.

French: the English debates' model over the embedding and the cues (no n-grams: they do
not cross languages; the multilingual encoder does), so that a French score means what an
English one does: how likely a fact-checker would call the sentence check-worthy. On top of
it, a residual learned pairwise on the `claims-fr` posts (the sentence closest to the
fact-checkers' claim against each other sentence of its post): a shift of the embedding's
weights and the weights of the context cues (lede, position, word centrality, repetition),
shrunk towards zero (LAMBDA_FR), with the English model's log-odds as a fixed offset. The
posts are social media, not news: letting them re-weight the cues taught "a figure makes a
sentence less likely to be the claim" (-1.7), which a newsroom's articles contradict, so the
cues keep the debates' weights. The threshold is the English model's (F1 on debates left out).

Both: a few cues too rare in the training data to learn carry fixed weights (FIXED_WEIGHTS).
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from claims.nlp import encoder, models
from claims.nlp.attribute import claimant
from claims.nlp.cues import Cues, cues
from claims.nlp.encoder_scorer import (
    CONTEXT_FEATURES,
    SENTENCE_FEATURES,
    EncoderScorer,
    could_be_claim,
    dense_matrix,
)
from claims.nlp.entities import entities
from claims.nlp.ngram import NgramModel
from claims.nlp.normalise import normalise
from claims.nlp.scorer import DEFAULT_WEIGHTS
from claims.nlp.training import Labelled, RankingSample, _blocks, prf

# The embedding block's weight against the other features. English, grouped CV on train (F1 on
# debates left out): 1 0.665 and 2 0.686 on a 6,000-sentence part; 2 0.722 and 4 0.725 on all of it;
# standardising the embedding's dimensions instead gained nothing (0.722). French: top-1 on posts.
EMBEDDING_SCALE_EN = 4.0
EMBEDDING_SCALE = 2.0
NGRAM_SCALE = 1.0
DENSE_SCALE = 1.0
C_EN = 0.5
C_FR = 0.1  # chosen by top-1 on held-out posts among 0.1, 0.3, 1
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)

Embed = Callable[[Sequence[str]], np.ndarray]


def sentence_cues(texts: Sequence[str], language: str, batch_size: int = 256) -> list[Cues]:
    """The cues of texts taken one sentence each, as the extraction computes them."""
    nlp = models.load(language)
    found = []
    for doc in nlp.pipe((normalise(t) for t in texts), batch_size=batch_size):
        span = doc[:]
        found.append(cues(span, span.text, entities(span, 0), claimant(span, language)))
    return found


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    return float(max(THRESHOLDS, key=lambda t: (prf(labels, scores >= t)["f1"], -abs(t - 0.5))))


# --- English ------------------------------------------------------------------------------


@dataclass
class EnglishData:
    labelled: Labelled
    vectors: np.ndarray
    found: list[Cues]

    def subset(self, index) -> "EnglishData":
        lab = self.labelled
        sub = Labelled([lab.ids[i] for i in index], [lab.texts[i] for i in index], lab.labels[index])
        return EnglishData(sub, self.vectors[index], [self.found[i] for i in index])


def english_data(labelled: Labelled, embed: Embed) -> EnglishData:
    return EnglishData(labelled, embed(labelled.texts), sentence_cues(labelled.texts, "en"))


def fit_english(data: EnglishData, *, version: str, folds: int = 5, with_ngrams: bool = True) -> EncoderScorer:
    """Fit on all of `data`; the threshold from grouped cross-validation (debates left out)."""
    started = time.time()
    oof = english_out_of_fold(data, folds=folds, with_ngrams=with_ngrams)
    threshold = best_threshold(data.labelled.labels, oof)
    model = _fit_english(data, version=version, with_ngrams=with_ngrams)
    part = data.vectors @ model.embedding
    model.meta.update(
        embedding_part={"mean": round(float(part.mean()), 4), "std": round(float(part.std()), 4)},
        threshold=threshold,
        cross_validation=prf(data.labelled.labels, oof >= threshold) | {"folds": folds, "grouped_by": "id blocks"},
        train_sentences=len(data.labelled.texts),
        train_seconds=round(time.time() - started, 1),
    )
    return model


def english_out_of_fold(data: EnglishData, *, folds: int = 5, with_ngrams: bool = True) -> np.ndarray:
    """Scores of each sentence by a model that never saw its debate."""
    labels = data.labelled.labels
    oof = np.zeros(len(labels))
    groups = _blocks(data.labelled.ids, folds)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(data.vectors, labels, groups):
        model = _fit_english(data.subset(train_idx), version="fold", with_ngrams=with_ngrams)
        test = data.subset(test_idx)
        oof[test_idx] = model.score_vectors(test.labelled.texts, test.found, test.vectors)
    return oof


def _fit_english(data: EnglishData, *, version: str, with_ngrams: bool) -> EncoderScorer:
    dense = dense_matrix(data.found, SENTENCE_FEATURES)
    blocks = [sparse.csr_matrix(data.vectors * EMBEDDING_SCALE_EN), sparse.csr_matrix(dense * DENSE_SCALE)]
    if with_ngrams:
        vectorizers, keep, matrix = NgramModel.fit_views(data.labelled.texts)
        blocks.append(matrix * NGRAM_SCALE)
    classifier = LogisticRegression(C=C_EN, max_iter=5000, class_weight="balanced")
    classifier.fit(sparse.hstack(blocks).tocsr(), data.labelled.labels)
    coef = classifier.coef_[0]
    dim, n_dense = data.vectors.shape[1], len(SENTENCE_FEATURES)
    embedding = coef[:dim] * EMBEDDING_SCALE_EN
    ngram = None
    if with_ngrams:
        ngram = NgramModel(
            vectorizers, keep, coef[dim + n_dense :] * NGRAM_SCALE, 0.0, {"threshold": 0.5, "version": "joint"}
        )
    return with_fixed_weights(
        EncoderScorer(
            meta=_meta(version, "en", {"C": C_EN, "embedding_scale": EMBEDDING_SCALE_EN, "ngrams": with_ngrams}),
            intercept=float(classifier.intercept_[0]),
            embedding=embedding.astype(np.float32),
            dense_names=list(SENTENCE_FEATURES),
            dense=coef[dim : dim + n_dense] * DENSE_SCALE,
            embedding_mean=float((data.vectors @ embedding).mean()),
            ngram=ngram,
        )
    )


def _meta(version: str, language: str, params: dict) -> dict:
    return {"version": version, "language": language, "threshold": 0.5, "encoder": encoder.NAME, "params": params}


# --- French -------------------------------------------------------------------------------

# Residual strength, by top-1 on held-out posts (5 folds): 0.3 gave 0.49, 1 gave 0.495, 10 gave 0.473.
LAMBDA_FR = 1.0
# Newsroom procedure ("CNN a contacté l'ambassade… pour obtenir des commentaires") is rare in
# debates and posts alike: its weight is set, not learned.
FIXED_WEIGHTS = {"procedural": -3.0}
FRENCH_FEATURES = (*SENTENCE_FEATURES, *CONTEXT_FEATURES)
# Cues a French parse gives and the English debates' blank pipeline does not (no entities,
# tenses or moods there): the English model cannot weigh them, so French takes the priors'.
UNSEEN_IN_DEBATES = ("person", "organisation", "place", "event", "conditional_mood", "no_verb")


@dataclass
class PostData:
    samples: list[RankingSample]
    vectors: list[np.ndarray]  # per post, one row per sentence

    def subset(self, index) -> "PostData":
        return PostData([self.samples[i] for i in index], [self.vectors[i] for i in index])


def post_data(samples: Sequence[RankingSample], embed: Embed) -> PostData:
    flat = embed([s for sample in samples for s in sample.sentences])
    out, at = [], 0
    for sample in samples:
        out.append(flat[at : at + len(sample.sentences)])
        at += len(sample.sentences)
    return PostData(list(samples), out)


def fit_french(posts: PostData, debates: EnglishData, *, version: str, folds: int = 5) -> EncoderScorer:
    """The debates' model with the posts' residual; top-1 and the claims kept from posts left out."""
    started = time.time()
    base = with_news_priors(_fit_english(debates, version=version, with_ngrams=False), posts)
    oof = english_out_of_fold(debates, folds=folds, with_ngrams=False)
    threshold = best_threshold(debates.labelled.labels, oof)
    held = french_out_of_fold(posts, base, threshold, folds=folds)
    model = _fit_french(posts, base, version=version)
    model.meta.update(
        threshold=threshold,
        params={"lambda": LAMBDA_FR, "fixed": FIXED_WEIGHTS, "ngrams": False},
        debates_cross_validation=prf(debates.labelled.labels, oof >= threshold) | {"folds": folds},
        cross_validation={
            "top1": round(float(np.mean(held["top1"])), 4),
            "claim_above_threshold": round(float(np.mean(held["claim_kept"])), 4),
            "sentences_above_threshold": round(float(np.mean(held["kept"])), 4),
            "folds": folds,
            "grouped_by": "post",
        },
        cross_validation_top1_per_fold=[round(float(x), 4) for x in held["top1"]],
        train_posts=len(posts.samples),
        train_debate_sentences=len(debates.labelled.texts),
        train_seconds=round(time.time() - started, 1),
    )
    return model


def with_news_priors(model: EncoderScorer, posts: PostData) -> EncoderScorer:
    """The cues the English debates cannot teach (their pipeline has no entities, tenses or
    moods) take the news priors' weights, the intercept moving so that the posts' average
    sentence keeps its level."""
    weights = dict(zip(model.dense_names, model.dense, strict=True))
    added = {name: DEFAULT_WEIGHTS["weights"][name] for name in UNSEEN_IN_DEBATES}
    shift = float(np.mean([c.values.get(n, 0.0) * w for s in posts.samples for c in s.cues for n, w in added.items()]))
    model.dense = np.asarray([added.get(n, weights[n]) for n in model.dense_names], dtype=np.float64)
    model.intercept -= shift * len(added)
    model.__post_init__()
    return model


def french_out_of_fold(posts: PostData, base: EncoderScorer, threshold: float, *, folds: int = 5) -> dict:
    """Per fold of posts never seen in training: top-1, the share of posts whose claim clears the
    threshold, and the share of sentences that do."""
    out = {"top1": [], "claim_kept": [], "kept": []}
    for k in range(folds):
        train = [i for i in range(len(posts.samples)) if i % folds != k]
        test = [i for i in range(len(posts.samples)) if i % folds == k]
        model = _fit_french(posts.subset(train), base, version="fold")
        scores = [model.score_vectors(s.sentences, s.cues, v) for s, v in _pairs(posts.subset(test))]
        _tally(out, posts.subset(test).samples, scores, threshold)
    return out


def base_on_posts(posts: PostData, base: EncoderScorer, threshold: float) -> dict:
    """The same figures for the debates' model alone, with no residual (nothing is fitted on posts)."""
    out = {"top1": [], "claim_kept": [], "kept": []}
    _tally(out, posts.samples, [base.score_vectors(s.sentences, s.cues, v) for s, v in _pairs(posts)], threshold)
    return out


def _pairs(posts: PostData):
    return zip(posts.samples, posts.vectors, strict=True)


def _tally(out: dict, samples, scores, threshold: float) -> None:
    out["top1"].append(np.mean([np.argmax(p) == s.target for s, p in zip(samples, scores, strict=True)]))
    out["claim_kept"].append(np.mean([p[s.target] >= threshold for s, p in zip(samples, scores, strict=True)]))
    out["kept"].append(np.mean(np.concatenate([p >= threshold for p in scores])))


def _post_rows(base: EncoderScorer, sample: RankingSample, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence: the debates' model's log-odds, and the residual's features (the embedding
    where the scorer embeds the sentence, the context cues)."""
    mask = np.array([could_be_claim(c) for c in sample.cues], dtype=bool)
    chosen = np.where(mask[:, None], vectors, 0.0)
    margin = base.intercept + np.where(mask, vectors @ base.embedding, base.embedding_mean)
    margin = margin + dense_matrix(sample.cues, base.dense_names) @ base.dense
    return margin, np.hstack([chosen, dense_matrix(sample.cues, CONTEXT_FEATURES)])


def _fit_french(posts: PostData, base: EncoderScorer, *, version: str) -> EncoderScorer:
    """Pairwise logistic loss with the debates' log-odds as offset, L2 towards the debates' model."""
    differences, offsets, embedded = [], [], []
    for sample, vectors in _pairs(posts):
        margin, features = _post_rows(base, sample, vectors)
        t = sample.target
        others = [i for i in range(len(margin)) if i != t]
        differences.append(features[t] - features[others])
        offsets.append(margin[t] - margin[others])
        embedded.append(features[:, : encoder.DIM][features[:, : encoder.DIM].any(axis=1)])
    x, o = np.vstack(differences), np.concatenate(offsets)

    def loss(w):
        z = o + x @ w
        return np.logaddexp(0, -z).sum() + LAMBDA_FR * w @ w, -(x.T @ (1 / (1 + np.exp(z)))) + 2 * LAMBDA_FR * w

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    shift = float((np.vstack(embedded) @ w[: encoder.DIM]).mean())  # the residual leaves the average level alone
    weights = dict(zip(base.dense_names, base.dense, strict=True))
    dense = [weights.get(n, 0.0) for n in SENTENCE_FEATURES] + list(w[encoder.DIM :])
    return with_fixed_weights(
        EncoderScorer(
            meta=_meta(version, "fr", {}),
            intercept=base.intercept - shift,
            embedding=(base.embedding + w[: encoder.DIM]).astype(np.float32),
            dense_names=list(FRENCH_FEATURES),
            dense=np.asarray(dense, dtype=np.float64),
            embedding_mean=base.embedding_mean,
        )
    )


def with_fixed_weights(model: EncoderScorer) -> EncoderScorer:
    names = [n for n in model.dense_names if n not in FIXED_WEIGHTS]
    weights = dict(zip(model.dense_names, model.dense, strict=True))
    model.dense_names = names + list(FIXED_WEIGHTS)
    model.dense = np.asarray([weights[n] for n in names] + list(FIXED_WEIGHTS.values()), dtype=np.float64)
    model.__post_init__()
    return model
