"""1,000 articles through the API and a real worker, beside raw spaCy `nlp.pipe` over the same texts.

Ours: from the first POST /api/articles/ until the worker (one child, like the baseline's one
process) has extracted and matched all of them, on gunicorn, PostgreSQL and Redis. Baseline:
fr_core_news_sm's `nlp.pipe` over the same texts in one process, model already loaded.
"""

import os
import subprocess
import sys
import threading
import time
from contextlib import closing

import psycopg2
from common import SAMPLE, header, record, serving, table
from load import DB, ENV, login, prepare

ARTICLES = int(os.environ.get("BENCH_ARTICLES", 1000))


def texts() -> list[str]:
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    return [
        f"Article {n}.\n\n" + "\n\n".join(paragraphs[(n + k) % len(paragraphs)] for k in range(3))
        for n in range(ARTICLES)
    ]


def raw_spacy(bodies: list[str]) -> float:
    code = (
        "import sys, json, time, spacy\n"
        "bodies = json.load(sys.stdin)\n"
        "nlp = spacy.load('fr_core_news_sm')\n"
        "list(nlp.pipe(bodies[:5]))\n"
        "started = time.perf_counter()\n"
        "list(nlp.pipe(bodies, batch_size=64))\n"
        "print(time.perf_counter() - started)\n"
    )
    import json

    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(bodies), capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def finished(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM claims_article WHERE extraction_status IN ('extracted', 'failed')")
        return cursor.fetchone()[0]


def ours(bodies: list[str]) -> tuple[float, int]:
    prepare()
    with closing(psycopg2.connect(DB)) as connection, serving(ENV, "--workers", "2", worker=True) as base:
        connection.autocommit = True
        time.sleep(15)  # gunicorn up, the worker child's model loaded: the baseline's load is not timed either
        already = finished(connection)
        session = login(base, "editor-load-0")
        started = time.perf_counter()
        chunks = [bodies[i::4] for i in range(4)]

        def post(chunk):
            for body in chunk:
                session.post(f"{base}/api/articles/", json={"body": body}, timeout=60).raise_for_status()

        threads = [threading.Thread(target=post, args=(chunk,)) for chunk in chunks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        posted = time.perf_counter() - started
        print(f"posted in {posted:.1f} s; extracted so far: {finished(connection) - already}", file=sys.stderr)
        while finished(connection) < already + len(bodies):
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_article WHERE extraction_status = 'failed'")
            failed = cursor.fetchone()[0]
    return elapsed, failed


def main() -> None:
    bodies = texts()
    words = sum(len(b.split()) for b in bodies)
    baseline = raw_spacy(bodies)
    elapsed, failed = ours(bodies)
    record(
        f"{ARTICLES:,} articles via the API and a worker (raw nlp.pipe = baseline)",
        elapsed,
        baseline,
        "s",
        "<= 1.3 x raw",
        elapsed <= 1.3 * baseline,
    )
    header(f"{ARTICLES:,} articles ({words:,} words): API + worker against raw spaCy")
    table(
        [
            ["raw spaCy nlp.pipe, one process, model loaded (baseline)", f"{baseline:.1f}", "1.00", ""],
            [
                "POST /api/articles/ to extracted and matched, one worker child",
                f"{elapsed:.1f}",
                f"{elapsed / baseline:.2f}",
                failed,
            ],
        ],
        ["pipeline", "seconds", "ratio", "failed"],
    )


if __name__ == "__main__":
    main()
