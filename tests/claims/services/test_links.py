"""Articles given by their link, fetched from a real local server by the (eager) task."""

import pytest

from claims.fetch import FetchHTTPError
from claims.models import Article, ExtractionStatus
from claims.services.ingestion import ArticleInput, IngestionError, article_ingest, articles_import_bulk
from claims.services.links import article_fetch
from tests.factories import ArticleFactory
from tests.newsroom import Newsroom, article_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(settings):
    settings.FACTCHECK_FETCH_READ_TIMEOUT = 1
    settings.FACTCHECK_FETCH_DEADLINE = 3
    with Newsroom(hang_seconds=3) as server:
        yield server


@pytest.fixture
def no_extraction(monkeypatch):
    """The page's fetch is under test here, not the NLP: extraction stays queued."""
    from claims.services import extraction

    monkeypatch.setattr(extraction.extract_article, "delay_on_commit", lambda *args: None)


def ingest(url, capture, **fields):
    with capture(execute=True):
        result = article_ingest(data=ArticleInput(body="", url=url, **fields))
    result.article.refresh_from_db()
    return result


def test_a_link_is_saved_at_once_as_fetching_before_the_worker_runs(newsroom, no_extraction):
    result = article_ingest(data=ArticleInput(body="", url=newsroom.base + "/article.html"))
    article = Article.objects.get(pk=result.article.pk)
    assert result.created is True
    assert article.extraction_status == ExtractionStatus.FETCHING and article.body == ""
    assert article.content_hash is None


def test_the_page_is_fetched_read_and_queued_for_extraction(
    newsroom, no_extraction, django_capture_on_commit_callbacks
):
    article = ingest(newsroom.base + "/article.html", django_capture_on_commit_callbacks).article
    assert article.extraction_status == ExtractionStatus.QUEUED
    assert article.title == "La ministre et le chômage"
    assert article.outlet == "Le Quotidien Local"
    assert "Le chômage a baissé de 2 %" in article.body and "Accueil" not in article.body
    assert article.language == "fr" and article.content_hash
    assert article.url == newsroom.base + "/article.html"


def test_what_the_person_gave_beside_the_link_wins(newsroom, no_extraction, django_capture_on_commit_callbacks):
    article = ingest(
        newsroom.base + "/article.html", django_capture_on_commit_callbacks, title="Mon titre", outlet="AFP"
    ).article
    assert (article.title, article.outlet) == ("Mon titre", "AFP")


def test_the_same_link_twice_finds_the_first_article(newsroom, no_extraction, django_capture_on_commit_callbacks):
    first = ingest(newsroom.base + "/article.html", django_capture_on_commit_callbacks)
    again = ingest(newsroom.base + "/article.html", django_capture_on_commit_callbacks)
    assert again.created is False and again.article.pk == first.article.pk
    assert newsroom.hits["/article.html"] == 1


def test_a_missing_page_fails_in_words_without_retrying(newsroom, no_extraction, django_capture_on_commit_callbacks):
    article = ingest(newsroom.base + "/404", django_capture_on_commit_callbacks).article
    assert article.extraction_status == ExtractionStatus.FAILED
    assert "404" in article.extraction_error
    assert newsroom.hits["/404"] == 1


def test_a_server_error_is_raised_for_a_retry_then_fails_in_words_on_the_last_try(newsroom, no_extraction):
    article = article_ingest(data=ArticleInput(body="", url=newsroom.base + "/500")).article
    with pytest.raises(FetchHTTPError):
        article_fetch(article_id=article.pk, token=article.extraction_token, last_try=False)
    article.refresh_from_db()
    assert article.extraction_status == ExtractionStatus.FETCHING
    assert "500" in article.extraction_error and "Trying again shortly" in article.extraction_error
    assert article_fetch(article_id=article.pk, token=article.extraction_token, last_try=True) is True
    article.refresh_from_db()
    assert article.extraction_status == ExtractionStatus.FAILED
    assert "500" in article.extraction_error and "Trying again" not in article.extraction_error


def test_the_fetch_task_retries_only_errors_that_may_pass():
    from claims.fetch import FetchConnectionError, FetchTimeout, FetchTooLarge
    from claims.tasks import fetch_article

    assert {FetchHTTPError, FetchTimeout, FetchConnectionError} <= set(fetch_article.autoretry_for)
    assert FetchTooLarge not in fetch_article.autoretry_for and fetch_article.max_retries == 4


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/text.txt", "not a web page (HTML)"),
        ("/loop", "redirected more than 5 times"),
        ("/redirect?to=http://localhost:{port}/article.html", "private network or this machine"),
    ],
)
def test_permanent_failures_are_stored_in_words(
    newsroom, no_extraction, django_capture_on_commit_callbacks, path, words
):
    article = ingest(newsroom.base + path.format(port=newsroom.port), django_capture_on_commit_callbacks).article
    assert article.extraction_status == ExtractionStatus.FAILED and words in article.extraction_error
    assert article.body == ""


def test_a_page_whose_text_is_on_the_desk_fails_naming_that_article(
    newsroom, no_extraction, django_capture_on_commit_callbacks
):
    first = ingest(newsroom.base + "/article.html", django_capture_on_commit_callbacks).article
    copy = newsroom.add("/copy.html", newsroom.pages["/article.html"][2])
    article = ingest(copy, django_capture_on_commit_callbacks).article
    assert article.extraction_status == ExtractionStatus.FAILED
    assert f"article {first.pk}" in article.extraction_error


def test_a_page_with_no_article_text_fails_in_words(newsroom, no_extraction, django_capture_on_commit_callbacks):
    url = newsroom.add("/empty.html", b"<html><head><title>Vide</title></head><body> </body></html>")
    article = ingest(url, django_capture_on_commit_callbacks).article
    assert article.extraction_status == ExtractionStatus.FAILED
    assert "No article text was found" in article.extraction_error


def test_a_stale_or_repeated_fetch_message_does_nothing(newsroom, no_extraction, django_capture_on_commit_callbacks):
    article = ingest(newsroom.base + "/article.html", django_capture_on_commit_callbacks).article
    assert article_fetch(article_id=article.pk, token=article.extraction_token) is False
    assert article_fetch(article_id=article.pk, token="stale") is False
    assert newsroom.hits["/article.html"] == 1


def test_a_failed_fetch_is_tried_again_when_the_link_is_given_again(
    newsroom, no_extraction, django_capture_on_commit_callbacks
):
    url = newsroom.add("/later.html", b"", status=404)
    failed = ingest(url, django_capture_on_commit_callbacks).article
    assert failed.extraction_status == ExtractionStatus.FAILED
    newsroom.add("/later.html", article_page("Plus tard", ["La dette publique a atteint 3 000 milliards d'euros."]))
    again = ingest(url, django_capture_on_commit_callbacks)
    assert again.article.pk == failed.pk and again.article.extraction_status == ExtractionStatus.QUEUED


def test_a_bad_link_is_refused_before_anything_is_saved():
    with pytest.raises(IngestionError) as error:
        article_ingest(data=ArticleInput(body="", url="javascript:alert(1)"))
    assert error.value.field == "url" and Article.objects.count() == 0


def test_bulk_records_with_only_a_url_are_fetched(newsroom, no_extraction, django_capture_on_commit_callbacks):
    ArticleFactory(body="Un texte déjà sur le bureau, avec un chiffre: 12 %.")
    data = (
        f'{{"url": "{newsroom.base}/news/1.html"}}\n'
        f'{{"url": "{newsroom.base}/news/2.html", "outlet": "AFP"}}\n'
        '{"url": "ftp://nope"}\n'
        '{"body": "Le déficit a atteint 5 % du PIB en 2023."}\n'
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = articles_import_bulk(name="links.jsonl", data=data)
    assert [line for line, _reason in outcome.errors] == [3]
    fetched = Article.objects.filter(url__startswith=newsroom.base).order_by("url")
    assert [a.title for a in fetched] == ["Nouvelle 1", "Nouvelle 2"]
    assert fetched[1].outlet == "AFP"
    assert all(a.extraction_status == ExtractionStatus.QUEUED for a in fetched)
