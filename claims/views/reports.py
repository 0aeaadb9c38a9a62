"""Verification reports (HTML, PDF), ClaimReview JSON-LD, and claim exports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import forms, reports, workflow
from claims.exporters.tabular import csv_lines, jsonl_lines
from claims.models import ExportJob, ExportStatus
from claims.services.exports import export_request
from claims.views.access import desk_required, get_article_for_user, get_claim_for_user, require


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
    fmt = form.cleaned_data["format"]
    rows = reports.export_rows(reports.export_queryset(form.filters()))
    lines = csv_lines(reports.EXPORT_COLUMNS, rows) if fmt == "csv" else jsonl_lines(rows)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="claims.{fmt}"'
    return response


@desk_required
@require_POST
def export_create(request):
    require(request, workflow.can_export)
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        return render(request, "claims/export_list.html", {"form": form, "jobs": []}, status=400)
    job = export_request(user=request.user, format=form.cleaned_data["format"], filters=form.filters())
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
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"claims-{job.pk}.{job.format}")
