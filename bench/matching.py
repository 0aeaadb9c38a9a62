"""Claim matching: MAP@5 on CheckThat! 2020 claim retrieval (dev) beside BM25, French, and speed.

Every figure is measured in the same run: BM25 (rank_bm25's Okapi, the field's usual
baseline) over the same texts, our first stage alone, and the whole matcher.
"""

import csv
import random
import re
import statistics
import time

import numpy as np
from common import DATA, header, need, record, table
from rank_bm25 import BM25Okapi

from claims.nlp.matching import MatchIndex
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
    index.add((doc_id, text, "en") for doc_id, text in library)
    tops = [
        (m[0].score, m[0].doc_id in qrels.get(q, ()))
        for (q, _t), m in zip(queries, index.search_many([t for _q, t in queries], "en", 1), strict=True)
        if m
    ]
    rows = []
    for label, threshold in (
        ("suggest", settings.FACTCHECK_MATCH_SUGGEST),
        ("confirm", settings.FACTCHECK_MATCH_CONFIRM),
    ):
        above = [right for score, right in tops if score >= threshold]
        rows.append([f"{label} (>= {threshold})", len(above), f"{sum(above) / max(len(above), 1):.3f}"])
    header(f"Thresholds on CheckThat! 2020 dev: the top match of {len(queries)} tweets")
    table(rows, ["threshold", "tweets whose top match clears it", "share of those that are right"])


def our_runs(library, queries, lang: str, first_stage_only: bool = False) -> dict[str, list[str]]:
    index = MatchIndex()
    index.add((doc_id, text, lang) for doc_id, text in library)
    if first_stage_only:
        return {qid: [index.ids[i] for i in index._retrieve(text, lang, 5)[0]] for qid, text in queries}
    return {qid: [m.doc_id for m in index.search(text, lang, 5)] for qid, text in queries}


def english() -> None:
    queries, qrels = read_tsv(MATCHING / "dev_queries.tsv", "tweet_content"), read_qrels(MATCHING / "dev_qrels.txt")
    rows = []
    for label, extra in (("vclaim", ()), ("vclaim + title", ("title",))):
        library = read_tsv(MATCHING / "verified_claims.tsv", "vclaim", extra)
        rows.append(
            [
                label,
                "BM25 (rank_bm25 Okapi, baseline)",
                f"{mean_average_precision(bm25_runs(library, queries), qrels):.3f}",
            ]
        )
        first = our_runs(library, queries, "en", first_stage_only=True)
        rows.append(
            [
                label,
                "ours, first stage (cleaned tweets, Snowball stems, BM25)",
                f"{mean_average_precision(first, qrels):.3f}",
            ]
        )
        ours = our_runs(library, queries, "en")
        rows.append(
            [
                label,
                "ours (re-ranked: + character n-grams, figures, names)",
                f"{mean_average_precision(ours, qrels):.3f}",
            ]
        )
    ours_map, bm25_map = mean_average_precision(ours, qrels), mean_average_precision(bm25_runs(library, queries), qrels)
    record(
        "claim matching MAP@5, CheckThat! 2020 dev (BM25 = baseline)",
        ours_map,
        bm25_map,
        "MAP@5",
        "clearly above BM25",
        ours_map > bm25_map + 0.03,
    )
    header(
        f"Claim matching, English: MAP@5 on CheckThat! 2020 dev ({len(qrels)} tweets, {len(library):,} verified claims)"
    )
    table(rows, ["library text", "matcher", "MAP@5"])
    thresholds(library, queries, qrels)


def french() -> None:
    """Posts against the normalised claims fact-checkers wrote for them: a French retrieval task."""
    with open(DATA / "claims-fr" / "train.csv", newline="", encoding="utf-8") as handle:
        pairs = [(row["post"], row["normalized claim"]) for row in csv.DictReader(handle)]
    library = [(str(n), claim) for n, (_post, claim) in enumerate(pairs)]
    queries = [(str(n), post) for n, (post, _claim) in enumerate(pairs)]
    qrels = {str(n): {str(n)} for n in range(len(pairs))}
    header(f"Claim matching, French: each claims-fr post against all {len(pairs):,} normalised claims")
    table(
        [
            ["BM25 (rank_bm25 Okapi, baseline)", f"{mean_average_precision(bm25_runs(library, queries), qrels):.3f}"],
            [
                "ours (French stems, re-ranked)",
                f"{mean_average_precision(our_runs(library, queries, 'fr'), qrels):.3f}",
            ],
        ],
        ["matcher", "MAP@5"],
    )


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
    started = time.perf_counter()
    index = MatchIndex()
    index.add((str(n), text, "en") for n, text in enumerate(texts[:size]))
    built = time.perf_counter() - started
    ours = []
    for text in queries:
        started = time.perf_counter()
        index.search(text, "en", 5)
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
        "< 100 ms",
        p95 < 0.1,
    )
    header(f"Matching one claim against {size:,} stored claims ({len(queries)} queries; index built in {built:.1f} s)")
    table(
        [
            ["BM25 scan of every claim (rank_bm25, baseline; 20 queries)", *_ms(baseline)],
            ["ours (inverted index, then re-ranking 20 candidates)", *_ms(ours)],
        ],
        ["matcher", "p50 ms", "p95 ms"],
    )


def _ms(samples: list[float]) -> list[str]:
    samples = sorted(samples)
    return [f"{statistics.median(samples) * 1000:.1f}", f"{samples[int(len(samples) * 0.95) - 1] * 1000:.1f}"]


if __name__ == "__main__":
    need(MATCHING)
    english()
    french()
    speed()
