import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from django.urls import reverse

from claims import reports
from claims.models import Claim, ExportJob, Review, Verdict
from tests.factories import ClaimFactory
from tests.helpers import require

pytestmark = pytest.mark.django_db

REQUIRED = {"@context", "@type", "url", "claimReviewed", "datePublished", "author", "reviewRating", "itemReviewed"}


def _jsonld(html: str):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD in the page"
    return json.loads(match.group(1))


def test_the_report_shows_claims_in_reading_order_and_only_approved_verdicts_as_conclusions(
    client, editor_user, reviewed_article
):
    client.force_login(editor_user)
    html = client.get(
        reverse("claims:article-report", args=[reviewed_article["article"].pk]) + "?lang=fr"
    ).content.decode()
    first = html.index("Le chômage a baissé")
    second = html.index("Le ministre a affirmé")
    third = html.index("La dette atteindra")
    assert first < second < third
    assert "Il fait beau." not in html  # dismissed: counted, not reported
    assert "Plutôt vrai" in html and "Presque : 1,9 %." in html
    assert "Brouillon du vérificateur." not in html  # not approved: pending, not a conclusion
    assert "En attente : aucun verdict approuvé" in html
    assert 'href="https://www.insee.fr/chomage"' in html
    assert f'id="claim-{reviewed_article["approved"].pk}"' in html


def test_claimreview_carries_every_required_and_recommended_field(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    article = reviewed_article["article"]
    reviews = client.get(reverse("claims:article-claimreview", args=[article.pk]) + "?lang=fr").json()
    assert len(reviews) == 2
    review = next(r for r in reviews if r["claimReviewed"].startswith("Le chômage"))
    assert set(review) >= REQUIRED
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"].endswith(f"/articles/{article.pk}/report/#claim-{reviewed_article['approved'].pk}")
    assert review["inLanguage"] == "fr"
    assert review["author"] == {"@type": "Organization", "name": "Factcheck"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Plutôt vrai",
        "name": "Plutôt vrai",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"] == {"@type": "Organization", "name": "l'INSEE"}
    assert item["appearance"][0]["url"] == "https://www.lemonde.fr/a" == item["firstAppearance"]["url"]
    assert item["firstAppearance"]["publisher"]["name"] == "Le Monde"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])


def test_an_unverifiable_verdict_carries_no_numeric_rating(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    url = reverse("claims:claim-claimreview", args=[reviewed_article["unverifiable"].pk]) + "?lang=en"
    rating = client.get(url).json()["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "Unverifiable", "name": "Unverifiable"}


def test_a_claim_not_approved_has_no_claimreview(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    response = client.get(reverse("claims:claim-claimreview", args=[reviewed_article["pending"].pk]))
    assert response.status_code == 404


def test_the_report_page_embeds_the_articles_claimreview(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    html = client.get(reverse("claims:article-report", args=[reviewed_article["article"].pk])).content.decode()
    assert {r["@type"] for r in _jsonld(html)} == {"ClaimReview"}


def test_markup_in_a_verdict_cannot_break_the_embedded_claimreview(client, editor_user, reviewed_article):
    hostile = 'Faux <!--<script> & </script> "cité" > 2 % </SCRIPT'
    Verdict.objects.filter(claim=reviewed_article["approved"]).update(summary=hostile)
    client.force_login(editor_user)
    article = reviewed_article["article"]
    html = client.get(reverse("claims:article-report", args=[article.pk]) + "?lang=fr").content.decode()
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert not set("<>&") & set(embedded)  # a browser's HTML parser sees no markup in it
    assert "\\u003c!--\\u003cscript\\u003e \\u0026" in embedded
    published = client.get(reverse("claims:article-claimreview", args=[article.pk]) + "?lang=fr").json()
    assert json.loads(embedded) == published
    assert hostile in {review.get("description") for review in published}


def test_the_pdf_report_holds_the_claims_and_verdicts(client, editor_user, reviewed_article, tmp_path):
    require(shutil.which("pdftotext") is not None, "pdftotext is not installed (apt-get install poppler-utils)")
    client.force_login(editor_user)
    response = client.get(reverse("claims:article-report-pdf", args=[reviewed_article["article"].pk]) + "?lang=fr")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Le chômage a baissé de 2 % en 2023" in flat
    assert "Plutôt vrai" in flat and "Invérifiable" in flat
    assert "En attente" in flat


def test_the_streamed_csv_export_reads_back_and_neutralises_formulas(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    response = client.get(reverse("claims:export-stream"), {"format": "csv", "status": "approved"})
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["text"] for r in rows} == {reviewed_article["approved"].text, reviewed_article["unverifiable"].text}
    assert {r["rating"] for r in rows} == {"mostly_true", "unverifiable"}
    client.get(reverse("claims:export-stream"), {"format": "csv"})
    reviewed_article["approved"].wording = "=cmd|' /C calc'!A0"
    reviewed_article["approved"].save()
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(reverse("claims:export-stream"), {"format": "csv"}).streaming_content).decode()
            )
        )
    )
    assert "'=cmd|' /C calc'!A0" in {r["wording"] for r in rows}


def test_the_jsonl_export_filters_by_rating_and_checker(client, editor_user, checker_user, reviewed_article):
    client.force_login(editor_user)
    response = client.get(
        reverse("claims:export-stream"), {"format": "jsonl", "rating": "unverifiable", "checker": checker_user.username}
    )
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [line["id"] for line in lines] == [reviewed_article["unverifiable"].pk]
    assert lines[0]["assignee"] == checker_user.username and lines[0]["approved"] is True


def test_the_checker_filter_reads_the_name_around_a_nul_character(client, editor_user, checker_user, reviewed_article):
    client.force_login(editor_user)
    query = {"format": "jsonl", "rating": "unverifiable", "checker": f"{checker_user.username}\x00"}
    response = client.get(reverse("claims:export-stream"), query)
    assert response.status_code == 200
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [line["id"] for line in lines] == [reviewed_article["unverifiable"].pk]


def test_a_background_export_becomes_a_file_the_page_links_to(
    client, editor_user, reviewed_article, django_capture_on_commit_callbacks
):
    client.force_login(editor_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claims:export-create"), {"format": "jsonl"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 4, 4)
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("claims:export-download", args=[job.pk]) in page
    download = client.get(reverse("claims:export-download", args=[job.pk]))
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert len(lines) == 4 and all(json.loads(line)["article_id"] == reviewed_article["article"].pk for line in lines)


def test_someone_elses_export_is_not_found(client, editor_user, second_editor, reviewed_article):
    job = ExportJob.objects.create(requested_by=second_editor, format="csv")
    client.force_login(editor_user)
    assert client.get(job.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ["checker_user", "outsider"])
def test_only_editors_export_and_read_reports(client, request, role, reviewed_article):
    client.force_login(request.getfixturevalue(role))
    article = reviewed_article["article"]
    for url in (
        reverse("claims:article-report", args=[article.pk]),
        reverse("claims:article-report-pdf", args=[article.pk]),
        reverse("claims:article-claimreview", args=[article.pk]),
        reverse("claims:export-list"),
        reverse("claims:export-stream") + "?format=csv",
    ):
        assert client.get(url).status_code == 403


HISTORICAL_CSV_COLUMNS = [
    "id",
    "article_id",
    "article_title",
    "article_url",
    "outlet",
    "published",
    "text",
    "wording",
    "start",
    "end",
    "score",
    "claimant",
    "types",
    "status",
    "assignee",
    "due_date",
    "rating",
    "verdict_summary",
    "approved",
    "created_at",
    "updated_at",
]


@pytest.fixture
def hostile_claim(reviewed_article, checker_user):
    """A claim whose text as published starts with a spreadsheet formula."""
    checker_user.first_name, checker_user.last_name = "Chloé", "Durand"
    checker_user.save()
    article = reviewed_article["article"]
    text = '=HYPERLINK("http://evil") Le ministre a affirmé que 300 000 emplois ont été créés.'
    start = article.body.index(text)
    return ClaimFactory(
        article=article, text=text, start=start, end=start + len(text), status="assigned", assignee=checker_user
    )


def _download(client, **params) -> bytes:
    response = client.get(reverse("claims:export-stream"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _sheet(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(workbook.active.iter_rows())
    return [c.value for c in rows[0]], [{h.value: c for h, c in zip(rows[0], row, strict=True)} for row in rows[1:]]


def test_the_spreadsheet_export_labels_in_the_chosen_language_beside_the_codes(
    client, editor_user, reviewed_article, hostile_claim
):
    client.force_login(editor_user)
    headings, rows = _sheet(_download(client, format="xlsx", language="fr", status="approved"))
    assert {"Statut (code)", "Statut", "Note (code)", "Note", "Vérificateur (identifiant)", "Vérificateur"} <= set(
        headings
    )
    assert "Créée (Europe/Paris)" in headings and "Preuves : Confirme" in headings
    by_id = {row["Numéro d’affirmation"].value: row for row in rows}
    approved = by_id[reviewed_article["approved"].pk]
    assert (approved["Statut (code)"].value, approved["Statut"].value) == ("approved", "Approuvée")
    assert (approved["Note (code)"].value, approved["Note"].value) == ("mostly_true", "Plutôt vrai")
    assert (approved["Vérificateur (identifiant)"].value, approved["Vérificateur"].value) == ("checker", "Chloé Durand")
    assert approved["Preuves : Confirme"].value == 1 and approved["Approuvée"].value is True
    headings, rows = _sheet(_download(client, format="xlsx", language="en", status="approved"))
    assert {"Status (code)", "Status", "Rating", "Checker", "Evidence: Supports"} <= set(headings)
    assert {row["Rating"].value for row in rows} == {"Mostly true", "Unverifiable"}


def test_a_formula_in_a_claim_stays_text_in_the_spreadsheet(client, editor_user, hostile_claim):
    client.force_login(editor_user)
    content = _download(client, format="xlsx", language="en", article=hostile_claim.article_id)
    _headings, rows = _sheet(content)
    cell = next(row["Claim as published"] for row in rows if row["Claim number"].value == hostile_claim.pk)
    assert cell.value == hostile_claim.text and cell.data_type == "s" and cell.quotePrefix is True
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere


def test_spreadsheet_times_are_the_desks_local_times(client, editor_user, reviewed_article):
    claim = reviewed_article["approved"]
    Claim.objects.filter(pk=claim.pk).update(created_at=datetime(2026, 7, 14, 22, 30, tzinfo=UTC))
    client.force_login(editor_user)
    _headings, rows = _sheet(_download(client, format="xlsx", language="en", article=claim.article_id))
    created = next(row["Created (Europe/Paris)"].value for row in rows if row["Claim number"].value == claim.pk)
    assert created == datetime(2026, 7, 15, 0, 30)  # summer time: UTC+2


def test_the_csv_keeps_its_columns_and_adds_labels_and_names_after_them(
    client, editor_user, reviewed_article, hostile_claim
):
    client.force_login(editor_user)
    text = _download(client, format="csv", language="en").decode()
    header = next(csv.reader(io.StringIO(text)))
    assert header[: len(HISTORICAL_CSV_COLUMNS)] == HISTORICAL_CSV_COLUMNS
    assert header == reports.EXPORT_COLUMNS
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text))}
    approved = rows[reviewed_article["approved"].pk]
    assert (approved["status"], approved["status_label"]) == ("approved", "Approved")
    assert (approved["assignee"], approved["assignee_name"]) == ("checker", "Chloé Durand")
    assert (approved["rating_label"], approved["evidence_supports"]) == ("Mostly true", "1")
    assert rows[hostile_claim.pk]["text"] == "'" + hostile_claim.text  # neutralised, as before
    french = _download(client, format="csv", language="fr").decode()
    assert {r["status_label"] for r in csv.DictReader(io.StringIO(french))} >= {"Approuvée", "Assignée"}


def test_the_csv_for_excel_starts_with_a_byte_order_mark(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    assert _download(client, format="csv", bom="on").startswith(b"\xef\xbb\xbfid,article_id,")
    assert _download(client, format="csv").startswith(b"id,article_id,")


def test_every_format_carries_the_same_columns(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    line = json.loads(_download(client, format="jsonl").decode().splitlines()[0])
    assert list(line) == reports.EXPORT_COLUMNS
    headings, rows = _sheet(_download(client, format="xlsx"))
    assert len(headings) == len(reports.EXPORT_COLUMNS) == len(set(headings))
    assert len(rows) == 4


def test_the_export_form_offers_the_pages_language_by_default(client, editor_user):
    client.force_login(editor_user)
    page = client.get(reverse("claims:export-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["form"]["language"].value() == "en"
    page = client.get(reverse("claims:export-list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<option value="fr" selected>' in page and "UTF-8 avec BOM (pour Excel)" in page


def test_a_background_spreadsheet_export_keeps_its_language(
    client, editor_user, reviewed_article, django_capture_on_commit_callbacks
):
    client.force_login(editor_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("claims:export-create"), {"format": "xlsx", "language": "en"})
    job = ExportJob.objects.get()
    assert (job.status, job.language, job.rows_done) == ("done", "en", 4)
    download = client.get(reverse("claims:export-download", args=[job.pk]))
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headings, rows = _sheet(b"".join(download.streaming_content))
    assert "Status" in headings and len(rows) == 4


def test_a_spreadsheet_too_large_to_download_at_once_is_sent_to_the_background(
    client, editor_user, reviewed_article, monkeypatch
):
    monkeypatch.setattr("claims.views.reports.XLSX_DOWNLOAD_MAX", 3)
    client.force_login(editor_user)
    response = client.get(reverse("claims:export-stream"), {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "More than 3 claims" in page and "Prepare in the background" in page
    assert client.get(reverse("claims:export-stream"), {"format": "xlsx", "status": "approved"}).status_code == 200
    assert client.get(reverse("claims:export-stream"), {"format": "csv"}).status_code == 200  # CSV streams


def test_claimreview_is_dated_by_the_desks_day_not_utcs(client, editor_user, reviewed_article):
    Review.objects.filter(verdict__claim=reviewed_article["approved"]).update(
        created_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # already the 16th in Paris
    )
    client.force_login(editor_user)
    url = reverse("claims:claim-claimreview", args=[reviewed_article["approved"].pk])
    assert client.get(url).json()["datePublished"] == "2026-01-16"
