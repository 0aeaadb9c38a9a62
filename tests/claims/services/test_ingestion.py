import datetime as dt
import json

import pytest
from django.test import override_settings

from claims.models import Article
from claims.services.ingestion import (
    ArticleInput,
    IngestionError,
    article_ingest,
    article_input_from_upload,
    articles_import_bulk,
    parse_published,
)
from tests.helpers import sample_text

pytestmark = pytest.mark.django_db


def test_the_sample_metadata_line_becomes_date_and_outlet_and_leaves_the_body():
    result = article_ingest(data=ArticleInput(body=sample_text()))
    article = result.article
    assert result.created is True
    assert (article.outlet, article.published_on, article.published_precision) == ("CNN", dt.date(2023, 1, 1), "month")
    assert article.body.startswith("L’administration Biden")
    assert "date 2023-01" not in article.body
    assert article.language == "fr"


def test_ingesting_the_same_text_again_finds_the_existing_article():
    first = article_ingest(data=ArticleInput(body="Le chômage a baissé de 2 % en 2023."))
    again = article_ingest(data=ArticleInput(body="Le chômage a baissé de 2 % en 2023.\r\n"))
    assert again.created is False
    assert again.article.pk == first.article.pk
    assert Article.objects.count() == 1


def test_ingestion_detects_english():
    result = article_ingest(data=ArticleInput(body="Unemployment fell by two percent last year, the minister said."))
    assert result.article.language == "en"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("vide.txt", b"   \n\n ", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Le ministre a été clair.".encode("latin-1"), "UTF-8"),
        ("tableur.xlsx", b"PK\x03\x04", "not supported"),
        ("controle.txt", b"texte\x07avec\x1bcontrole", "control characters"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_saved(name, data, message):
    with pytest.raises(IngestionError, match=message):
        article_ingest(data=article_input_from_upload(name=name, data=data))
    assert Article.objects.count() == 0


@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=1000)
def test_text_over_the_size_limit_is_refused():
    with pytest.raises(IngestionError, match="limit"):
        article_input_from_upload(name="long.txt", data=b"Une phrase. " * 100)
    with pytest.raises(IngestionError, match="limit"):
        article_ingest(data=ArticleInput(body="Une phrase. " * 100))
    assert Article.objects.count() == 0


@override_settings(FACTCHECK_MAX_EXTRACT_BYTES=1000, LANGUAGE_CODE="en")
def test_a_text_too_long_to_extract_in_time_is_refused_with_its_size_the_limit_and_what_to_do():
    body = "Le chômage a baissé de 2 % en 2023. " * 30
    size = len(body.strip().encode())
    with pytest.raises(IngestionError) as refused:
        article_ingest(data=ArticleInput(body=body))
    assert f"{size:,} bytes" in str(refused.value) and "1,000" in str(refused.value)
    assert "Split it into parts" in str(refused.value)
    result = articles_import_bulk(name="a.jsonl", data=json.dumps({"body": body}).encode())
    assert [reason for _line, reason in result.errors] == [str(refused.value)]  # the same rule for every door
    assert Article.objects.count() == 0


@override_settings(FACTCHECK_MAX_EXTRACT_BYTES=1000)
def test_the_refusal_of_a_text_too_long_is_translated():
    from django.utils import translation

    with translation.override("fr"), pytest.raises(IngestionError, match="Découpez-le en parties"):
        article_ingest(data=ArticleInput(body="Une phrase. " * 100))


def test_an_html_page_is_reduced_to_its_article_text():
    html = (
        "<html><head><title>Le budget</title></head><body><nav>Menu Accueil</nav><article><h1>Le budget</h1>"
        + "<p>Le gouvernement a annoncé 3 milliards d'euros pour les hôpitaux, selon le ministre.</p>" * 3
        + "</article><script>alert('x')</script></body></html>"
    )
    data = article_input_from_upload(name="page.html", data=html.encode())
    assert data.title == "Le budget"
    assert "3 milliards" in data.body
    assert "alert" not in data.body and "Menu" not in data.body


def test_a_markdown_file_takes_its_heading_as_title():
    data = article_input_from_upload(name="note.md", data="# Les chiffres\n\nLe chômage a baissé.".encode())
    assert data.title == "Les chiffres"


def test_a_bad_date_is_refused():
    with pytest.raises(IngestionError, match="not a date"):
        article_ingest(data=ArticleInput(body="Un texte.", published="hier"))
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-01-15", (dt.date(2023, 1, 15), "day")),
        (" 2023-01 ", (dt.date(2023, 1, 1), "month")),
        ("2023", (dt.date(2023, 1, 1), "year")),
        ("", (None, "day")),
        ("  ", (None, "day")),
    ],
)
def test_a_publication_date_is_a_day_a_month_or_a_year(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2023-01-15 this is not a date", "is not a date"),
        ("2023-01-15T10:00", "is not a date"),
        ("2023-1-5", "is not a date"),
        ("2023-13", "is not a date"),
        ("２０２３", "is not a date"),
        ("2023\ud800", r"U\+D800"),
    ],
)
def test_anything_else_is_refused_naming_the_field(value, reason):
    with pytest.raises(IngestionError, match=reason) as refused:
        parse_published(value)
    assert refused.value.field == "published"


def test_bulk_jsonl_saves_good_records_and_reports_bad_lines():
    lines = [
        json.dumps({"title": "Un", "body": "Le chômage a baissé de 2 %.", "published": "2023-05"}),
        "{not json",
        json.dumps({"title": "Vide", "body": ""}),
        json.dumps({"title": "Deux", "text": "The economy grew by 3 percent.", "language": "en"}),
    ]
    outcome = articles_import_bulk(name="lot.jsonl", data="\n".join(lines).encode())
    assert [r.article.title for r in outcome.results] == ["Un", "Deux"]
    assert [line for line, _message in outcome.errors] == [2, 3]
    assert Article.objects.count() == 2


def test_bulk_csv_needs_a_body_column():
    with pytest.raises(IngestionError, match="body"):
        articles_import_bulk(name="lot.csv", data=b"titre,contenu\nA,B\n")
    outcome = articles_import_bulk(name="lot.csv", data="title,body\nA,Le chômage a baissé.\n".encode())
    assert len(outcome.results) == 1 and not outcome.errors


def test_saving_an_article_queues_its_extraction_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article = article_ingest(data=ArticleInput(body="Le chômage a baissé de 2 % en 2023.")).article
    # The extraction, then (after the extraction's own commit) the matching of its claims.
    assert len(callbacks) == 2
    article.refresh_from_db()
    # Tasks run in-process in tests, so the extraction has happened.
    assert article.extraction_status == "extracted"
    assert article.claims.count() == 1
