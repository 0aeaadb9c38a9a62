"""Check-worthiness quality beside the field's baselines, measured in the same run.

English: precision, recall and F1 of the Yes class on dev.tsv, and on debates a model
has not seen (5-fold cross-validation over blocks of sentence ids, i.e. whole debates;
each model retrained per fold). Baseline: TF-IDF word 1-2 grams with a linear SVM.
French: how often the top-ranked sentence of a claims-fr post is the one closest to the
fact-checkers' normalised claim, beside "always the first sentence"; our weights are
tuned on four fifths of the posts and scored on the fifth they did not see, five times.
"""

import numpy as np
from common import DATA, header, need, record, table
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from claims.nlp import scorer, training
from claims.nlp.ngram import NgramModel


def baseline():
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC())


def english() -> None:
    train = training.read_labelled_tsv(DATA / "checkworthiness-en" / "train.tsv")
    dev = training.read_labelled_tsv(DATA / "checkworthiness-en" / "dev.tsv")
    shipped = NgramModel.load(scorer.model_dir("en"))
    ours_dev = training.prf(dev.labels, np.array(shipped.predict_proba(dev.texts)) >= shipped.threshold)
    base_dev = training.prf(dev.labels, baseline().fit(train.texts, train.labels).predict(dev.texts))
    ours_cv, base_cv = _unseen_debates(train, shipped.threshold)
    rows = [
        ["dev.tsv", "TF-IDF + linear SVM (baseline)", *base_dev.values()],
        ["dev.tsv", f"ours ({shipped.version})", *ours_dev.values()],
        ["unseen debates (5-fold)", "TF-IDF + linear SVM (baseline)", *base_cv.values()],
        ["unseen debates (5-fold)", "ours, retrained per fold", *ours_cv.values()],
    ]
    record(
        "check-worthiness F1, English, unseen debates",
        ours_cv["f1"],
        base_cv["f1"],
        "F1",
        "above baseline",
        ours_cv["f1"] > base_cv["f1"],
    )
    header("Check-worthiness, English (Yes class)")
    table(rows, ["evaluated on", "model", "precision", "recall", "F1"])


def _unseen_debates(data, threshold):
    groups = training._blocks(data.ids, 5)
    ours, base = np.zeros(len(data.texts), bool), np.zeros(len(data.texts), bool)
    for tr, te in GroupKFold(n_splits=5).split(data.texts, data.labels, groups):
        fold = training.Labelled([data.ids[i] for i in tr], [data.texts[i] for i in tr], data.labels[tr])
        model = training._fit(fold.texts, fold.labels, language="en", C=0.5, keep_n=200)
        ours[te] = np.array(model.predict_proba([data.texts[i] for i in te])) >= threshold
        base[te] = baseline().fit(fold.texts, fold.labels).predict([data.texts[i] for i in te])
    return training.prf(data.labels, ours), training.prf(data.labels, base)


def french() -> None:
    samples = training.ranking_samples(training.read_claims_fr(DATA / "claims-fr" / "train.csv"))
    ours, first = [], []
    for k in range(5):
        tune = [s for i, s in enumerate(samples) if i % 5 != k]
        held = [s for i, s in enumerate(samples) if i % 5 == k]
        tuned = training.tune_cue_scorer(tune, scorer._default(), version="fold")
        ours.append(training.top1_accuracy(held, lambda s, t=tuned: t.score(s.sentences, s.cues)))
        first.append(training.top1_accuracy(held, training.first_sentence))
    shipped = scorer.for_language("fr")
    priors = scorer._default()
    all_priors = training.top1_accuracy(samples, lambda s: priors.score(s.sentences, s.cues))
    header(f"Check-worthiness, French: top-ranked sentence of {len(samples)} claims-fr posts")
    table(
        [
            ["always the first sentence (baseline)", f"{np.mean(first):.3f}", " ".join(f"{x:.3f}" for x in first)],
            ["untuned priors", f"{all_priors:.3f}", ""],
            [
                f"ours, tuned per fold (as shipped: {shipped.version})",
                f"{np.mean(ours):.3f}",
                " ".join(f"{x:.3f}" for x in ours),
            ],
        ],
        ["ranker", "top-1 accuracy (mean of 5 held-out folds)", "per fold"],
    )


if __name__ == "__main__":
    need(DATA / "checkworthiness-en" / "train.tsv")
    english()
    french()
