"""Big articles of every shape: the extraction alone beside the API and a worker, or the refusal.

Shapes are built from the samples: normal paragraphs; one paragraph without punctuation; very
long sentences (fifty of the samples' sentences joined by commas); short sentences (three words
each, the costliest shape per byte for the encoder, which pays per sentence as well as per
token). Each is posted at 1 MB, which ingestion refuses up front (the reason is printed), and at
the largest size it accepts (FACTCHECK_MAX_EXTRACT_BYTES), which must complete (extracted, and
its claims matched) within 2 x the extraction alone of the same text: extract() in one process,
no database, models loaded, measured just before it. BENCH_BIG_SHAPES picks shapes;
BENCH_BIG_ALONE_1MB=1 also times the extraction alone at 1 MB (minutes per shape).
"""

import json
import os
import re
import sys
import time
from contextlib import closing

import psycopg2
from common import ROOT, SAMPLE, header, record, serving, table, worker_idle
from ingest import _timed
from load import DB, ENV, login, prepare

MB = 1_000_000
SOURCES = [
    SAMPLE.read_text(encoding="utf-8").split("\n", 1)[1],
    (ROOT / "claims/fixtures/sample-article-fr.txt").read_text(),
]
PARAGRAPHS = [p.strip() for text in SOURCES for p in text.split("\n\n") if p.strip()]
WORDS = [w.strip('.,;:!?«»()"') for p in PARAGRAPHS for w in p.split()]
WORDS = [w for w in WORDS if w]


def _fill(parts, sep: str, size: int) -> str:
    out, n, i = [], 0, 0
    while n < size:
        out.append(parts[i % len(parts)])
        n += len((parts[i % len(parts)] + sep).encode())
        i += 1
    return sep.join(out).encode()[:size].decode(errors="ignore").rsplit(" ", 1)[0]


def normal(size: int) -> str:
    return _fill(PARAGRAPHS, "\n\n", size)


def no_punctuation(size: int) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", _fill(PARAGRAPHS, " ", size)))


def long_sentences(size: int) -> str:
    sents = [s.strip().rstrip(".") for p in PARAGRAPHS for s in re.split(r"(?<=[.!?])\s+", p) if s.strip()]
    joined = [", ".join(sents[(k * 50 + j) % len(sents)] for j in range(50)) + "." for k in range(len(sents))]
    return _fill(joined, "\n\n", size)


def short_sentences(size: int) -> str:
    three = [" ".join(WORDS[(k * 3 + j) % len(WORDS)] for j in range(3)).capitalize() + "." for k in range(len(WORDS))]
    return _fill(three, " ", size)


SHAPES = {
    "normal paragraphs": normal,
    "one paragraph without punctuation": no_punctuation,
    "very long sentences": long_sentences,
    "short sentences": short_sentences,
}
ALONE = (
    "import sys, json, time\nfrom claims.nlp.pipeline import extract\ntext = json.load(sys.stdin)[0]\n"
    "extract('Le chômage a baissé de 2 % en 2023.', 'fr')\n"
    "started, cpu = time.perf_counter(), time.process_time()\nextract(text, 'fr')\n"
    "print(time.perf_counter() - started, time.process_time() - cpu)\n"
)


def through_worker(session, base: str, connection, text: str) -> tuple[float | None, str]:
    """Seconds from the POST to the article extracted and its claims matched (None and the reason when
    refused or failed)."""
    started = time.perf_counter()
    # UTF-8 JSON, not requests' \u escapes: those make 1 MB of French 1.14 MB, over Django's request limit.
    payload = json.dumps({"body": text}, ensure_ascii=False).encode()
    response = session.post(
        f"{base}/api/articles/", data=payload, headers={"Content-Type": "application/json"}, timeout=120
    )
    if response.status_code == 400:
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return None, " ".join(str(v) for v in response.json().values()) if is_json else "bare 400 (not JSON)"
    response.raise_for_status()
    article = response.json()["id"]
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT extraction_status, extraction_error FROM claims_article WHERE id = %s", [article])
            status, error = cursor.fetchone()
            if status == "failed":
                return None, error
            if status == "extracted" and worker_idle(ENV["REDIS_URL"]):  # its claims matched too
                return time.perf_counter() - started, ""
            time.sleep(0.2)


def main() -> None:
    limit = int(ENV.get("FACTCHECK_MAX_EXTRACT_BYTES", 150_000))
    wanted = os.environ.get("BENCH_BIG_SHAPES", ",".join(SHAPES)).split(",")
    prepare()
    rows, worst = [], 0.0
    with closing(psycopg2.connect(DB)) as connection, serving(ENV, "--workers", "1", worker=True) as base:
        connection.autocommit = True
        time.sleep(15)  # the worker child's models loaded: the baseline's load is not timed either
        session = login(base, "editor-load-0")
        for name in wanted:
            big = SHAPES[name](MB)
            seconds, reason = through_worker(session, base, connection, big)
            alone = f"{_timed(ALONE, [big])[0]:.1f}" if os.environ.get("BENCH_BIG_ALONE_1MB") else "not run"
            rows.append(
                [name, f"{len(big.encode()):,}", alone, "refused" if seconds is None else f"{seconds:.1f}", "", reason]
            )
            text = SHAPES[name](limit)
            alone_wall, alone_cpu = _timed(ALONE, [text])
            seconds, reason = through_worker(session, base, connection, text)
            ratio = seconds / alone_wall if seconds else float("inf")
            worst = max(worst, ratio)
            rows.append(
                [
                    name,
                    f"{len(text.encode()):,}",
                    f"{alone_wall:.1f} ({alone_cpu:.1f} CPU)",
                    f"{seconds or 0:.1f}",
                    f"{ratio:.2f}",
                    reason,
                ]
            )
            print(rows[-2], rows[-1], file=sys.stderr)
    record(
        "Articles at the size limit, every shape: API + worker / extraction alone (worst)",
        worst,
        1.0,
        "x",
        "<= 2",
        worst <= 2,
    )
    header(f"Big articles: 1 MB refused up front, {limit:,} bytes (the limit) through the API and a worker")
    table(rows, ["shape", "bytes", "extraction alone, s", "API + worker, s", "ratio", "refusal or failure"])
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
