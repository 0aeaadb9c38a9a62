"""A link and a feed through the real worker: fetched, read, extracted, as a person's run would do."""

import pytest
from django.conf import settings

from claims.models import Article, ExtractionStatus, Feed
from claims.services.feeds import feed_subscribe
from claims.services.ingestion import ArticleInput, article_ingest
from factcheck.celery import app as celery_app
from tests.newsroom import Newsroom
from tests.worker import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # One worker on every queue (make run's shape); the worker reads base settings, so the allow-list is given.
    process = Worker(
        tmp_path / "worker.log",
        settings.CELERY_BROKER_URL if settings.CELERY_BROKER_URL.startswith("redis") else None,
        env_extra={"FACTCHECK_FETCH_ALLOWED_HOSTS": "127.0.0.1", "FACTCHECK_FETCH_READ_TIMEOUT": "2"},
    )
    try:
        yield process.start()
    finally:
        celery_app.conf.task_always_eager = eager
        process.stop()


def extracted(pk: int) -> bool:
    article = Article.objects.get(pk=pk)
    assert article.extraction_status != ExtractionStatus.FAILED, article.extraction_error
    return article.extraction_status == ExtractionStatus.EXTRACTED


def test_a_link_and_a_feed_become_extracted_articles(worker, editor_user):
    with Newsroom() as newsroom:
        link = article_ingest(data=ArticleInput(body="", url=newsroom.base + "/article.html"), submitted_by=editor_user)
        feed = feed_subscribe(url=newsroom.base + "/rss.xml", outlet="Le Quotidien", created_by=editor_user)
        wait_for(lambda: extracted(link.article.pk), 120, "the link's article to be extracted", worker)
        wait_for(lambda: Feed.objects.get(pk=feed.pk).items_ingested == 2, 60, "the feed's two items", worker)
        for article in Article.objects.filter(feed_items__feed=feed):
            wait_for(lambda a=article: extracted(a.pk), 120, "the feed's articles to be extracted", worker)
    article = Article.objects.get(pk=link.article.pk)
    assert article.title == "La ministre et le chômage" and article.claims.exists()
    assert "claims.tasks.fetch_article[" in worker.log.read_text()
    assert "claims.tasks.poll_feed[" in worker.log.read_text()
