"""Check-worthiness quality beside the field's baselines, measured in the same run.

English: precision, recall and F1 of the Yes class on dev.tsv, and on debates a model
has not seen (5-fold cross-validation over blocks of sentence ids, i.e. whole debates;
each model retrained per fold). Baselines: TF-IDF word 1-2 grams with a linear SVM, and
our n-gram model. The encoder scorer's gain over the n-gram model comes with a 95 %
interval from a paired bootstrap over blocks of 100 consecutive sentences.
French: how often the top-ranked sentence of a claims-fr post is the one closest to the
fact-checkers' normalised claim, beside "always the first sentence"; each model is tuned
on four fifths of the posts and scored on the fifth it did not see, five times. Then the
sample article's sentences as the shipped French scorer ranks them.
"""

import numpy as np
from common import DATA, ROOT, SAMPLE, header, need, record, table
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from claims.nlp import encoder, scorer, training
from claims.nlp.ngram import NgramModel

CACHE = ROOT / "var" / "embeddings" / "e5.npz"
BOOTSTRAP = 2000
BLOCK = 100


def baseline():
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC())


def embed(texts):
    return encoder.embed_cached(texts, CACHE)


def has_encoder(language: str) -> bool:
    return encoder.available() and (scorer.model_dir(language) / "encoder.json.gz").exists()


def english() -> None:
    from claims.nlp import train_encoder

    train = training.read_labelled_tsv(DATA / "checkworthiness-en" / "train.tsv")
    dev = training.read_labelled_tsv(DATA / "checkworthiness-en" / "dev.tsv")
    shipped = NgramModel.load(scorer.model_dir("en"))
    ours_dev = training.prf(dev.labels, np.array(shipped.predict_proba(dev.texts)) >= shipped.threshold)
    base_dev = training.prf(dev.labels, baseline().fit(train.texts, train.labels).predict(dev.texts))
    rows = [
        ["dev.tsv", "TF-IDF + linear SVM (baseline)", *base_dev.values()],
        ["dev.tsv", f"n-grams ({shipped.version})", *ours_dev.values()],
    ]
    ngram_cv, base_cv, ngram_pred = _unseen_debates(train, shipped.threshold)
    rows_cv = [
        ["unseen debates (5-fold)", "TF-IDF + linear SVM (baseline)", *base_cv.values()],
        ["unseen debates (5-fold)", "n-grams, retrained per fold", *ngram_cv.values()],
    ]
    if has_encoder("en"):
        enc = scorer.for_language("en")
        data = train_encoder.english_data(train, embed)
        held = train_encoder.english_data(dev, embed)
        enc_dev = training.prf(dev.labels, enc.score_vectors(dev.texts, held.found, held.vectors) >= enc.threshold)
        rows.append(["dev.tsv", f"encoder ({enc.version})", *enc_dev.values()])
        enc_pred = train_encoder.english_out_of_fold(data) >= enc.threshold
        enc_cv = training.prf(train.labels, enc_pred)
        low, high = paired_bootstrap(train.labels, enc_pred, ngram_pred)
        rows_cv.append(["unseen debates (5-fold)", "encoder + n-grams + cues, retrained per fold", *enc_cv.values()])
        record(
            "check-worthiness F1, English, unseen debates (n-grams = baseline)",
            enc_cv["f1"],
            ngram_cv["f1"],
            "F1",
            ">= +0.05 over n-grams",
            enc_cv["f1"] - ngram_cv["f1"] >= 0.05,
        )
    header("Check-worthiness, English (Yes class)")
    table(rows + rows_cv, ["evaluated on", "model", "precision", "recall", "F1"])
    if has_encoder("en"):
        print(
            f"\nEncoder minus n-grams on unseen debates: {enc_cv['f1'] - ngram_cv['f1']:+.3f} F1, 95 % interval "
            f"[{low:+.3f}, {high:+.3f}] (paired bootstrap, {BOOTSTRAP} resamples of {BLOCK}-sentence blocks)."
        )


def _unseen_debates(data, threshold):
    groups = training._blocks(data.ids, 5)
    ours, base = np.zeros(len(data.texts), bool), np.zeros(len(data.texts), bool)
    for tr, te in GroupKFold(n_splits=5).split(data.texts, data.labels, groups):
        fold = training.Labelled([data.ids[i] for i in tr], [data.texts[i] for i in tr], data.labels[tr])
        model = training._fit(fold.texts, fold.labels, language="en", C=0.5, keep_n=200)
        ours[te] = np.array(model.predict_proba([data.texts[i] for i in te])) >= threshold
        base[te] = baseline().fit(fold.texts, fold.labels).predict([data.texts[i] for i in te])
    return training.prf(data.labels, ours), training.prf(data.labels, base), ours


def paired_bootstrap(labels, ours, theirs, seed: int = 0) -> tuple[float, float]:
    """95 % interval of F1(ours) - F1(theirs), resampling blocks of consecutive sentences."""
    rng = np.random.default_rng(seed)
    blocks = np.array_split(np.arange(len(labels)), max(1, len(labels) // BLOCK))
    diffs = []
    for _ in range(BOOTSTRAP):
        index = np.concatenate([blocks[i] for i in rng.integers(0, len(blocks), len(blocks))])
        diffs.append(training.prf(labels[index], ours[index])["f1"] - training.prf(labels[index], theirs[index])["f1"])
    return float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5))


def french() -> None:
    samples = training.ranking_samples(training.read_claims_fr(DATA / "claims-fr" / "train.csv"))
    cues, first = [], []
    for k in range(5):
        tune = [s for i, s in enumerate(samples) if i % 5 != k]
        held = [s for i, s in enumerate(samples) if i % 5 == k]
        tuned = training.tune_cue_scorer(tune, scorer._default(), version="fold")
        cues.append(training.top1_accuracy(held, lambda s, t=tuned: t.score(s.sentences, s.cues)))
        first.append(training.top1_accuracy(held, training.first_sentence))
    priors = scorer._default()
    all_priors = training.top1_accuracy(samples, lambda s: priors.score(s.sentences, s.cues))
    rows = [
        ["always the first sentence (baseline)", f"{np.mean(first):.3f}", _folds(first)],
        ["cues, untuned priors", f"{all_priors:.3f}", ""],
        ["cues, tuned per fold", f"{np.mean(cues):.3f}", _folds(cues)],
    ]
    if has_encoder("fr"):
        rows += _french_encoder(samples)
    header(f"Check-worthiness, French: top-ranked sentence of {len(samples)} claims-fr posts")
    table(rows, ["ranker", "top-1 accuracy (mean of 5 held-out folds)", "per fold"])
    if has_encoder("fr"):
        record(
            "check-worthiness top-1, French claims-fr (first sentence = baseline)",
            float(rows[-1][1]),
            float(np.mean(first)),
            "top-1",
            f">= the tuned cues' figure in the same run ({np.mean(cues):.3f})",
            float(rows[-1][1]) >= round(float(np.mean(cues)), 3),
        )


def _french_encoder(samples) -> list[list]:
    from claims.nlp import train_encoder

    posts = train_encoder.post_data(samples, embed)
    debates = train_encoder.english_data(training.read_labelled_tsv(DATA / "checkworthiness-en" / "train.tsv"), embed)
    base = train_encoder.with_news_priors(
        train_encoder._fit_english(debates, version="bench", with_ngrams=False), posts
    )
    threshold = scorer.for_language("fr").threshold
    alone = train_encoder.base_on_posts(posts, base, threshold)
    shipped = train_encoder.french_out_of_fold(posts, base, threshold)
    return [
        ["encoder: the English debates' model alone (no French training)", f"{np.mean(alone['top1']):.3f}", ""],
        [
            "encoder: the same with the claims-fr residual (shipped)",
            f"{np.mean(shipped['top1']):.3f}",
            _folds(shipped["top1"]),
        ],
    ]


def _folds(values) -> str:
    return " ".join(f"{x:.3f}" for x in values)


def sample_ranking() -> None:
    from claims.nlp.pipeline import extract

    body = SAMPLE.read_text(encoding="utf-8").split("\n", 2)[2]
    result = extract(body, "fr", outlet="CNN", keep_all=True)
    rank = scorer.for_language("fr")
    ranked = sorted(result.claims, key=lambda c: -c.score)
    kept = sum(c.score >= rank.threshold for c in ranked)
    header(f"The sample article ranked by {rank.version} (threshold {rank.threshold:.2f})")
    print(f"{kept} of {result.sentences} sentences kept.\n")
    table(
        [
            [n, f"{c.score:.2f}", "kept" if c.score >= rank.threshold else "", c.text[:90].replace("|", "/")]
            for n, c in enumerate(ranked, start=1)
        ],
        ["rank", "score", "", "sentence"],
    )


if __name__ == "__main__":
    need(DATA / "checkworthiness-en" / "train.tsv")
    english()
    french()
    if SAMPLE.exists():
        sample_ranking()
