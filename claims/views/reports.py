"""Verification reports (HTML, PDF), ClaimReview JSON-LD, and claim exports."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import forms, reports, workflow
from claims.models import ExportFormat, ExportJob, ExportStatus
from claims.services.exports import export_request
from claims.views.access import desk_required, get_article_for_user, get_claim_for_user, require

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# openpyxl writes 2,000-3,000 rows a second here; past this, a download would outlast the web
# server's request timeout before its first byte (a CSV streams as it goes, a workbook cannot).
XLSX_DOWNLOAD_MAX = 10_000


def report_language(request) -> str:
    wanted = request.GET.get("lang", "")
    return wanted if wanted in ("fr", "en") else (translation.get_language() or "fr")[:2]


def report_url(request, article) -> str:
    return request.build_absolute_uri(reverse("claims:article-report", args=[article.pk]))


def report_context(request, article, language: str) -> dict:
    items = reports.report_claims(article)
    reviews = reports.claim_reviews(article, language=language, report_url=report_url(request, article), items=items)
    return {
        "article": article,
        "items": items,
        "language": language,
        **reports.untriaged_and_dismissed(article),
        "claim_reviews": reviews,
        "organisation": settings.FACTCHECK_ORGANISATION_NAME,
    }


@desk_required
def article_report(request, pk: int):
    require(request, workflow.can_export)
    article = get_article_for_user(request, pk)
    language = report_language(request)
    with translation.override(language):
        return render(request, "claims/article_report.html", report_context(request, article, language))


@desk_required
def article_report_pdf(request, pk: int):
    require(request, workflow.can_export)
    article = get_article_for_user(request, pk)
    language = report_language(request)
    return pdf_response(render_pdf(request, article, language), f"verification-{article.pk}-{language}.pdf")


def render_pdf(request, article, language: str) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string("claims/article_report_pdf.html", report_context(request, article, language), request)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        stylesheets=[CSS(filename=finders.find("claims/report.css"))]
    )


def _no_fetch(url, *args, **kwargs):
    # Reports never load anything: article text is hostile until proven otherwise.
    raise ValueError(f"reports fetch nothing ({url[:60]})")


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@desk_required
def article_claimreview(request, pk: int):
    require(request, workflow.can_export)
    article = get_article_for_user(request, pk)
    language = report_language(request)
    data = reports.claim_reviews(article, language=language, report_url=report_url(request, article))
    return _jsonld(data, f"claimreview-article-{article.pk}.json")


@desk_required
def claim_claimreview(request, pk: int):
    require(request, workflow.can_export)
    claim = get_claim_for_user(request, pk)
    language = report_language(request)
    data = reports.claim_review_for(claim, language=language, report_url=report_url(request, claim.article))
    if data is None:
        raise Http404("Only approved claims have a ClaimReview")
    return _jsonld(data, f"claimreview-claim-{claim.pk}.json")


def _jsonld(data, filename: str) -> JsonResponse:
    response = JsonResponse(
        data, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2}, content_type="application/ld+json"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@desk_required
def export_list(request):
    require(request, workflow.can_export)
    form = forms.ExportForm(request.GET or None)
    jobs = ExportJob.objects.filter(requested_by=request.user)[:20]
    return render(request, "claims/export_list.html", {"form": form, "jobs": jobs})


@desk_required
def export_stream(request):
    """A direct download, streamed row by row: constant memory whatever the number of claims."""
    require(request, workflow.can_export)
    form = forms.ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "claims/export_list.html", {"form": form, "jobs": []}, status=400)
    fmt, language = form.cleaned_data["format"], form.cleaned_data["language"]
    claims = reports.export_queryset(form.filters())
    if fmt == ExportFormat.XLSX and claims.count() > XLSX_DOWNLOAD_MAX:
        form.add_error("format", _too_big_to_download())
        return render(request, "claims/export_list.html", {"form": form, "jobs": []}, status=400)
    if fmt == ExportFormat.XLSX:
        return _xlsx_response(reports.export_rows(claims, language=language), language)
    lines = reports.export_lines(fmt, claims, language=language, bom=form.cleaned_data["bom"])
    content_type = "text/csv; charset=utf-8" if fmt == ExportFormat.CSV else "application/x-ndjson"
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="claims.{fmt}"'
    return response


def _too_big_to_download() -> str:
    return _(
        "More than %(count)s claims: a spreadsheet this large takes too long to download at once. "
        "Use “Prepare in the background”, or narrow the export."
    ) % {"count": formats.number_format(XLSX_DOWNLOAD_MAX, force_grouping=True)}


def _xlsx_response(rows, language: str) -> FileResponse:
    """A zip is only whole at its end: the workbook goes through a temporary file (constant memory),
    deleted once sent, and nothing reaches the browser before it is written."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it, which deletes it
    reports.export_xlsx(spool, rows, language=language)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename="claims.xlsx", content_type=XLSX_CONTENT_TYPE)


@desk_required
@require_POST
def export_create(request):
    require(request, workflow.can_export)
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        return render(request, "claims/export_list.html", {"form": form, "jobs": []}, status=400)
    job = export_request(
        user=request.user,
        format=form.cleaned_data["format"],
        filters=form.filters(),
        language=form.cleaned_data["language"],
        bom=form.cleaned_data["bom"],
    )
    messages.success(request, _("The export is being prepared."))
    return redirect(job)


def _job_for_user(request, pk: int) -> ExportJob:
    require(request, workflow.can_export)
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@desk_required
def export_detail(request, pk: int):
    job = _job_for_user(request, pk)
    template = "claims/includes/export_status.html" if request.htmx else "claims/export_detail.html"
    return render(request, template, {"job": job})


@desk_required
def export_download(request, pk: int):
    job = _job_for_user(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404("The export is not ready")
    content_type = XLSX_CONTENT_TYPE if job.format == ExportFormat.XLSX else None  # else guessed from the name
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=f"claims-{job.pk}.{job.format}", content_type=content_type
    )
