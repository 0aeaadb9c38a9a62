"""Streaming the desk's claims as CSV: rows per second and memory growth, beside a raw
csv.writer over values_list (no model instances, no neutralising) in the same run.
"""

import csv
import io
import tempfile
import time
import tracemalloc

import desk  # noqa: F401 -- Django set up on the benchmark desk
from common import header, record, table

from claims.exporters.tabular import csv_lines
from claims.models import Claim
from claims.reports import EXPORT_COLUMNS, export_queryset, export_rows, export_xlsx


def measure(produce) -> tuple[float, int, float]:
    """(seconds, rows, peak MB): timed on a clean pass, memory on a second pass under tracemalloc
    (which slows every allocation)."""
    started = time.perf_counter()
    rows = sum(1 for _line in produce()) - 1
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for _line in produce():
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, rows, peak / 1e6


def ours():
    return csv_lines(EXPORT_COLUMNS, export_rows(export_queryset({})))


def spreadsheet():
    """The same rows as an .xlsx file (openpyxl write-only); yields once per row, as the CSV does."""
    rows = export_rows(export_queryset({}), language="fr")

    def counted():
        for row in rows:
            yield row
            produced.append(None)

    produced = [None]  # the header, as the CSV's first line
    with tempfile.TemporaryFile() as out:
        export_xlsx(out, counted(), language="fr")
    yield from produced


def baseline():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in Claim.objects.order_by("id").values_list("id", "article_id", "text", "status").iterator(2000):
        writer.writerow(values)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield ""


def main() -> None:
    base_s, base_rows, base_mb = measure(baseline)
    our_s, our_rows, our_mb = measure(ours)
    record(
        "CSV export (bare csv.writer = baseline)",
        our_rows / our_s,
        base_rows / base_s,
        "rows/s",
        ">= 50,000 rows/s, < 50 MB",
        our_rows / our_s >= 50_000 and our_mb < 50,
    )
    xlsx_s, xlsx_rows, xlsx_mb = measure(spreadsheet)
    header(f"CSV export of {our_rows:,} claims, streamed")
    table(
        [
            ["csv.writer over values_list, 4 columns (baseline)", f"{base_rows / base_s:,.0f}", f"{base_mb:.1f}"],
            [f"our export, {len(EXPORT_COLUMNS)} columns, neutralised", f"{our_rows / our_s:,.0f}", f"{our_mb:.1f}"],
            ["the same as .xlsx (openpyxl write-only)", f"{xlsx_rows / xlsx_s:,.0f}", f"{xlsx_mb:.1f}"],
        ],
        ["export", "rows per second", "peak Python memory MB"],
    )


def fifty_claim_article():
    """The desk's article with the most approved claims, given 50 if it has fewer (idempotent)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.utils import timezone

    from claims.models import Article, Review, Verdict

    article = (
        Article.objects.annotate(approved=Count("claims", filter=Q(claims__status="approved")))
        .order_by("-approved")
        .first()
    )
    if article.approved >= 50:
        return article
    user = get_user_model().objects.order_by("id").first()
    sentences = [
        f"Le chômage a baissé de {n} % en 2023 selon l'INSEE, a affirmé le ministre numéro {n}." for n in range(50)
    ]
    body = " ".join(sentences)
    article = Article.objects.create(title="Rapport de 50 affirmations", body=body, language="fr", outlet="Bench")
    cursor = 0
    for sentence in sentences:
        start = body.index(sentence, cursor)
        cursor = start + len(sentence)
        claim = Claim.objects.create(
            article=article, text=sentence, start=start, end=cursor, status="approved", claimant="le ministre"
        )
        verdict = Verdict.objects.create(
            claim=claim,
            rating="mostly_false",
            summary="Plutôt faux : 1,9 %.",
            rationale="Les chiffres INSEE " * 20,
            author=user,
            submitted_at=timezone.now(),
        )
        Review.objects.create(verdict=verdict, reviewer=user, decision="approve")
    return article


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
