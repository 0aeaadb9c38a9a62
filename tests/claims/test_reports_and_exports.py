import csv
import io
import json
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from claims.models import ExportJob, Verdict
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
