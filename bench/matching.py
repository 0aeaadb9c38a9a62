"""Claim matching: MAP@5 on CheckThat! 2020 claim retrieval (dev) beside BM25, French, and speed.

Every figure is measured in the same run: BM25 (rank_bm25's Okapi, the field's usual
baseline) over the same texts, our first stage alone, and the whole matcher.
"""

import csv
import random
import re
import statistics
import time
from pathlib import Path

import numpy as np
from common import DATA, header, need, record, table
from rank_bm25 import BM25Okapi

from claims.nlp import encoder
from claims.nlp.matching import MatchIndex, embed_documents, embed_queries
from claims.nlp.trec import mean_average_precision, read_qrels, read_tsv

MATCHING = DATA / "claim-matching-en"
_TOKEN = re.compile(r"\w+")


def bm25_runs(library, queries) -> dict[str, list[str]]:
    ids = [doc_id for doc_id, _ in library]
    bm25 = BM25Okapi([_TOKEN.findall(text.lower()) for _, text in library])
    runs = {}
    for query_id, text in queries:
        scores = bm25.get_scores(_TOKEN.findall(text.lower()))
        runs[query_id] = [ids[i] for i in np.argsort(-scores)[:5]]
    return runs


def thresholds(library, queries, qrels) -> None:
    """How often the top match is right when its score clears each threshold (the settings' defaults)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")
    os.environ.setdefault("DEBUG", "true")
    django.setup()
    from django.conf import settings

    index = MatchIndex()
    library_vectors = vectors(library, embed_documents, "matching-library.npz") if index.dense else None
    index.add(((d, t, "en") for d, t in library), library_vectors)
    query_vectors = vectors(queries, embed_queries, "matching-queries.npz") if index.dense else None
    found = index.search_many([t for _q, t in queries], "en", 1, vectors=query_vectors)
    tops = [(m[0].score, m[0].doc_id in qrels.get(q, ())) for (q, _t), m in zip(queries, found, strict=True) if m]
    rows = []
    for label, threshold in (
        ("suggest", settings.FACTCHECK_MATCH_SUGGEST),
        ("confirm", settings.FACTCHECK_MATCH_CONFIRM),
    ):
        above = [right for score, right in tops if score >= threshold]
        rows.append([f"{label} (>= {threshold})", len(above), f"{sum(above) / max(len(above), 1):.3f}"])
    header(f"Thresholds on CheckThat! 2020 dev: the top match of {len(queries)} tweets")
    table(rows, ["threshold", "tweets whose top match clears it", "share of those that are right"])


CACHE = Path(__file__).resolve().parent.parent / "var" / "embeddings"


def vectors(pairs, embed, name: str) -> np.ndarray:
    """The encoder's vectors of the data, cached with `make models`' (the first run embeds them)."""
    return embed([text for _id, text in pairs], CACHE / name)


def our_runs(library, queries, lang: str, stage: str = "all") -> dict[str, list[str]]:
    """stage: "bm25" (first stage alone), "words" (no encoder), "dense" (cosine alone), "all"."""
    dense = stage in ("dense", "all")
    index = MatchIndex(dense=dense)
    library_vectors = vectors(library, embed_documents, "matching-library.npz") if dense else None
    index.add(((doc_id, text, lang) for doc_id, text in library), library_vectors)
    if stage == "bm25":
        return {qid: [index.ids[i] for i in index._retrieve(text, lang, 5)[0]] for qid, text in queries}
    query_vectors = vectors(queries, embed_queries, "matching-queries.npz") if dense else None
    if stage == "dense":
        cosines = query_vectors @ index._vectors.vectors.T
        return {qid: [index.ids[i] for i in np.argsort(-cosines[n])[:5]] for n, (qid, _t) in enumerate(queries)}
    found = index.search_many([text for _q, text in queries], lang, 5, vectors=query_vectors)
    return {qid: [m.doc_id for m in matches] for (qid, _t), matches in zip(queries, found, strict=True)}


STAGES = (
    ("bm25", "ours, first stage (cleaned tweets, Snowball stems, BM25)"),
    ("words", "ours without the encoder (re-ranked: + character n-grams, figures, names)"),
    ("dense", "dense stage alone (multilingual-e5-small cosine)"),
    ("all", "ours (BM25 and dense candidates, re-ranked with the cosine and how much of each claim the query covers)"),
)


def english() -> None:
    queries, qrels = read_tsv(MATCHING / "dev_queries.tsv", "tweet_content"), read_qrels(MATCHING / "dev_qrels.txt")
    library = read_tsv(MATCHING / "verified_claims.tsv", "vclaim", ("title",))
    bm25_map = mean_average_precision(bm25_runs(library, queries), qrels)
    rows = [["BM25 (rank_bm25 Okapi, baseline)", f"{bm25_map:.3f}"]]
    figures = {}
    for stage, label in STAGES if encoder.available() else STAGES[:2]:
        figures[stage] = mean_average_precision(our_runs(library, queries, "en", stage), qrels)
        rows.append([label, f"{figures[stage]:.3f}"])
    ours = figures.get("all", figures["words"])
    record(
        "claim matching MAP@5, CheckThat! 2020 dev (BM25 = baseline)", ours, bm25_map, "MAP@5", ">= 0.80", ours >= 0.8
    )
    header(
        f"Claim matching, English: MAP@5 on CheckThat! 2020 dev ({len(qrels)} tweets, {len(library):,} verified claims"
        " with their titles); the matcher before the dense stage is the one 'without the encoder'"
    )
    table(rows, ["matcher", "MAP@5"])
    thresholds(library, queries, qrels)


def french() -> None:
    """Posts against the normalised claims fact-checkers wrote for them: a French retrieval task."""
    with open(DATA / "claims-fr" / "train.csv", newline="", encoding="utf-8") as handle:
        pairs = [(row["post"], row["normalized claim"]) for row in csv.DictReader(handle)]
    library = [(str(n), claim) for n, (_post, claim) in enumerate(pairs)]
    queries = [(str(n), post) for n, (post, _claim) in enumerate(pairs)]
    qrels = {str(n): {str(n)} for n in range(len(pairs))}
    bm25_map = mean_average_precision(bm25_runs(library, queries), qrels)
    rows = [["BM25 (rank_bm25 Okapi, baseline)", f"{bm25_map:.3f}"]]
    figures = {}
    for stage, label in STAGES if encoder.available() else STAGES[:2]:
        figures[stage] = mean_average_precision(our_runs(library, queries, "fr", stage), qrels)
        rows.append([label.replace("tweets", "posts"), f"{figures[stage]:.3f}"])
    ours = figures.get("all", figures["words"])
    record("claim matching MAP@5, claims-fr posts (BM25 = baseline)", ours, bm25_map, "MAP@5", ">= 0.70", ours >= 0.7)
    header(
        f"Claim matching, French: each claims-fr post against all {len(pairs):,} normalised claims"
        " (the re-ranker is trained on English tweets only: no French data was used)"
    )
    table(rows, ["matcher", "MAP@5"])


def speed(size: int = 100_000) -> None:
    """A new claim against `size` stored ones: the library, debate sentences and reworded copies."""
    rng = random.Random(7)
    texts = [text for _, text in read_tsv(MATCHING / "verified_claims.tsv", "vclaim")]
    texts += [text for _, text in read_tsv(DATA / "checkworthiness-en" / "train.tsv", "Text")]
    base = list(texts)
    while len(texts) < size:
        words = rng.choice(base).split()
        texts.append(" ".join(w for w in words if rng.random() > 0.2) or words[0])
    queries = [text for _, text in read_tsv(MATCHING / "dev_queries.tsv", "tweet_content")][:100]
    dense = encoder.available()
    # The search's cost does not depend on what the vectors say: random unit vectors stand in for
    # 100,000 embeddings (hours of CPU); embedding itself is timed below on real texts.
    unit = np.random.default_rng(7).standard_normal((size + len(queries), encoder.DIM)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    started = time.perf_counter()
    index = MatchIndex(dense=dense)
    index.add(((str(n), text, "en") for n, text in enumerate(texts[:size])), unit[:size] if dense else None)
    built = time.perf_counter() - started
    ours = []
    for n, text in enumerate(queries):
        started = time.perf_counter()
        index.search_many([text], "en", 5, vectors=unit[size + n : size + n + 1] if dense else None)
        ours.append(time.perf_counter() - started)
    bm25 = BM25Okapi([_TOKEN.findall(text.lower()) for text in texts[:size]])
    baseline = []
    for text in queries[:20]:
        started = time.perf_counter()
        np.argsort(-bm25.get_scores(_TOKEN.findall(text.lower())))[:5]
        baseline.append(time.perf_counter() - started)
    p95, base_p95 = sorted(ours)[int(len(ours) * 0.95) - 1], sorted(baseline)[int(len(baseline) * 0.95) - 1]
    record(
        f"matching one claim against {size:,}, p95 (BM25 scan = baseline)",
        p95 * 1000,
        base_p95 * 1000,
        "ms",
        "< 50 ms",
        p95 < 0.05,
    )
    header(f"Matching one claim against {size:,} stored claims ({len(queries)} queries; index built in {built:.1f} s)")
    table(
        [
            ["BM25 scan of every claim (rank_bm25, baseline; 20 queries)", *_ms(baseline)],
            [
                "ours (inverted index" + (" and dense cosine, up to 40 candidates)" if dense else ", 20 candidates)"),
                *_ms(ours),
            ],
        ],
        ["matcher", "p50 ms", "p95 ms"],
    )


def embedding_cost(texts: list[str], size: int) -> None:
    """Time to embed stored claims, one core, and what the vectors weigh in a worker's memory."""
    from claims.nlp.matching import embed_documents

    embed_documents(texts[:8])  # load the encoder
    started = time.process_time()
    embed_documents(texts)
    per_text = (time.process_time() - started) / len(texts)
    header(f"Embedding for the dense stage ({encoder.NAME}, one core, CPU time on {len(texts)} stored claims)")
    mb = encoder.DIM * 4 / 1e6
    table(
        [
            ["one claim", f"{per_text * 1000:.1f} ms", ""],
            ["the 10,389-claim library", f"{per_text * 10_389 / 60:.1f} min", f"{10_389 * mb:.0f} MB"],
            [f"a {size:,}-claim desk", f"{per_text * size / 60:.0f} min", f"{size * mb:.0f} MB"],
        ],
        ["what", "time to embed", "vectors in memory (float32)"],
    )


def _ms(samples: list[float]) -> list[str]:
    samples = sorted(samples)
    return [f"{statistics.median(samples) * 1000:.1f}", f"{samples[int(len(samples) * 0.95) - 1] * 1000:.1f}"]


if __name__ == "__main__":
    need(MATCHING)
    english()
    french()
    speed()
    if encoder.available():
        embedding_cost([text for _, text in read_tsv(MATCHING / "verified_claims.tsv", "vclaim")][:600], 100_000)
