"""Streaming the desk's claims as CSV: rows per second and memory, beside a raw csv.writer over
values_list (no model instances, no neutralising) in the same run.

Each way is measured in a child process of its own, forked before any export has run, so that none
inherits another's grown heap: rows per second on a clean pass, during which a thread samples the
process's resident memory (RSS; tracemalloc does not see libpq's buffers, nor the COPY thread's), then
the peak of Python's allocations on a second pass under tracemalloc (which slows every allocation).
"""

import csv
import io
import multiprocessing
import os
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor

import desk  # noqa: F401 -- Django set up on the benchmark desk
from common import header, record, table
from django.db import connections, transaction

from claims.export_copy import copy_csv_lines
from claims.exporters.tabular import csv_lines
from claims.models import Claim
from claims.reports import EXPORT_COLUMNS, export_queryset, export_rows, export_xlsx

PAGE = os.sysconf("SC_PAGE_SIZE")


def measure(produce) -> tuple[float, float, float]:
    """(rows per second, peak Python MB, RSS growth MB) of exporting the desk with `produce`."""
    connections.close_all()  # the child opens its own
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as child:
        return child.submit(_measure, produce).result()


def _measure(produce) -> tuple[float, float, float]:
    rows = Claim.objects.count()
    rss = _Resident()
    started = time.perf_counter()
    for _piece in produce():
        pass
    seconds = time.perf_counter() - started
    grown = rss.stop()
    tracemalloc.start()
    for _piece in produce():
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows / seconds, peak / 1e6, grown / 1e6


class _Resident:
    """The growth of the process's resident memory, sampled every 10 ms until stopped."""

    def __init__(self):
        self.start = self.peak = _rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, _rss())
            time.sleep(0.01)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return max(self.peak, _rss()) - self.start


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def python_way():
    """Rows read in Python and written by csv_lines: the way before COPY, and SQLite's."""
    return csv_lines(EXPORT_COLUMNS, export_rows(export_queryset({})))


def copy_way():
    """The same bytes from PostgreSQL's COPY, in pieces: what export_lines uses on PostgreSQL."""
    return copy_csv_lines(export_queryset({}), language=None)


def spreadsheet():
    """The same rows as an .xlsx file (openpyxl write-only)."""
    with tempfile.TemporaryFile() as out:
        export_xlsx(out, export_rows(export_queryset({}), language="fr"), language="fr")
    yield


def baseline():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in Claim.objects.order_by("id").values_list("id", "article_id", "text", "status").iterator(2000):
        writer.writerow(values)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def main() -> None:
    rows = Claim.objects.count()
    base, python, copied = measure(baseline), measure(python_way), measure(copy_way)
    record(
        "CSV export (bare csv.writer = baseline)",
        copied[0],
        base[0],
        "rows/s",
        ">= 50,000 rows/s, < 50 MB",
        copied[0] >= 50_000 and copied[1] < 50 and copied[2] < 50,
    )
    xlsx = measure(spreadsheet)
    header(f"CSV export of {rows:,} claims, streamed")
    columns = f"{len(EXPORT_COLUMNS)} columns, neutralised"
    table(
        [
            ["csv.writer over values_list, 4 columns (baseline)", *_figures(base)],
            [f"rows in Python + csv_lines, {columns} (SQLite's way)", *_figures(python)],
            [f"PostgreSQL COPY, the same bytes, {columns} (PostgreSQL's way)", *_figures(copied)],
            ["the same as .xlsx (openpyxl write-only)", *_figures(xlsx)],
        ],
        ["export", "rows per second", "peak Python memory MB", "RSS growth MB"],
    )


def _figures(measured: tuple[float, float, float]) -> list[str]:
    per_second, python_mb, rss_mb = measured
    return [f"{per_second:,.0f}", f"{python_mb:.1f}", f"{rss_mb:.1f}"]


def fifty_claim_article():
    """The desk's article with the most approved claims, given 50 if it has fewer (idempotent)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from claims.models import Article

    article = (
        Article.objects.annotate(approved=Count("claims", filter=Q(claims__status="approved")))
        .order_by("-approved")
        .first()
    )
    if article.approved >= 50:
        return article
    author, reviewer = get_user_model().objects.order_by("id")[:2]  # four eyes: never one person
    sentences = [
        f"Le chômage a baissé de {n} % en 2023 selon l'INSEE, a affirmé le ministre numéro {n}." for n in range(50)
    ]
    body = " ".join(sentences)
    Article.objects.filter(title="Rapport de 50 affirmations", outlet="Bench").delete()  # a run cut short
    article = Article.objects.create(title="Rapport de 50 affirmations", body=body, language="fr", outlet="Bench")
    cursor = 0
    for sentence in sentences:
        start = body.index(sentence, cursor)
        cursor = start + len(sentence)
        with transaction.atomic():  # the desk's integrity triggers check an approved claim at commit
            _approved_claim(article, sentence, start, cursor, author, reviewer)
    return article


def _approved_claim(article, sentence, start, end, author, reviewer):
    from django.utils import timezone

    from claims.models import Review, Verdict

    claim = Claim.objects.create(
        article=article, text=sentence, start=start, end=end, status="approved", claimant="le ministre", assignee=author
    )
    verdict = Verdict.objects.create(
        claim=claim,
        rating="mostly_false",
        summary="Plutôt faux : 1,9 %.",
        rationale="Les chiffres INSEE " * 20,
        author=author,
        submitted_at=timezone.now(),
    )
    Review.objects.create(verdict=verdict, reviewer=reviewer, decision="approve")


def pdf() -> None:
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory
    from weasyprint import HTML

    from claims.views.reports import render_pdf

    article = fifty_claim_article()
    request = RequestFactory(SERVER_NAME="127.0.0.1").get("/")
    request.user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    claims = article.claims.filter(status="approved").count()

    def timed(fn, runs=5):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return sorted(times)[len(times) // 2]

    render_pdf(request, article, "fr")  # warm-up: fonts, templates
    hello = timed(lambda: HTML(string="<h1>Bonjour</h1>").write_pdf())
    ours = timed(lambda: render_pdf(request, article, "fr"))
    size = len(render_pdf(request, article, "fr"))
    record(
        f"PDF report, {claims} claims (one-line PDF = baseline)",
        ours * 1000,
        hello * 1000,
        "ms",
        "< 2,000 ms",
        ours < 2,
    )
    header(f"PDF report of an article with {claims} approved claims (median of 5)")
    table(
        [
            ["WeasyPrint, a one-line page (baseline)", f"{hello * 1000:,.0f}", ""],
            [f"our report, {claims} claims with verdicts and history", f"{ours * 1000:,.0f}", f"{size / 1000:,.0f}"],
        ],
        ["document", "ms", "kB"],
    )


if __name__ == "__main__":
    main()
    pdf()
