"""French full-text search over the desk's claims: p50/p95 beside a plain icontains scan, same run.

Needs the desk: `DATABASE_URL=postgres://…/factcheck_desk manage.py generate_desk` (10,000 articles,
100,000 claims), then `BENCH_DESK_URL=… python bench/search.py`.
"""

import random
import statistics
import time

import desk  # noqa: F401 -- Django set up on the benchmark desk
from common import header, record, table

from claims.models import Claim
from claims.selectors import claims_search

QUERIES = 60


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    rng = random.Random(1)
    words = [
        w
        for text in Claim.objects.order_by("?").values_list("text", flat=True)[:300]
        for w in text.split()
        if len(w) > 6 and w.isalpha()
    ]
    queries = [" ".join(rng.sample(words, 2)) if n % 3 == 0 else rng.choice(words) for n in range(QUERIES)]
    claims_search(query=queries[0])[:50].count()  # warm-up
    ours = sorted(timed(lambda q=q: list(claims_search(query=q)[:50])) for q in queries)
    naive = sorted(timed(lambda q=q: list(Claim.objects.filter(text__icontains=q)[:50])) for q in queries)
    record(
        "French full-text search p95 (icontains = baseline)",
        _p95(ours) * 1000,
        _p95(naive) * 1000,
        "ms",
        "p95 < 50 ms",
        _p95(ours) < 0.05,
    )
    header(f"Search over {Claim.objects.count():,} claims ({QUERIES} queries)")
    table(
        [
            ["text__icontains scan (baseline)", f"{statistics.median(naive) * 1000:.1f}", f"{_p95(naive) * 1000:.1f}"],
            [
                "French full-text search, ranked (ours)",
                f"{statistics.median(ours) * 1000:.1f}",
                f"{_p95(ours) * 1000:.1f}",
            ],
        ],
        ["search", "p50 ms", "p95 ms"],
    )


def _p95(values):
    return values[int(0.95 * (len(values) - 1))]


if __name__ == "__main__":
    main()
