"""Scaling out: extraction and exports run on separate queues, each served by its own worker."""

import pytest
from django.conf import settings

from claims.models import Article, ExportJob
from claims.services.exports import export_request
from claims.services.ingestion import ArticleInput, article_ingest
from factcheck.celery import app as celery_app
from tests.chaos.test_chaos import big_article
from tests.factories import ClaimFactory
from tests.worker import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_tasks_are_routed_to_their_queue_and_only_to_it():
    exports = celery_app.amqp.router.route({}, "claims.tasks.run_export")["queue"]
    assert exports.name == "exports"
    for name in ("extract_article", "match_article", "sweep_articles", "sweep_exports"):
        assert celery_app.amqp.router.route({}, f"claims.tasks.{name}")["queue"].name == "extraction"
    # Fetching waits on other servers: a slow site holds neither an extraction nor an export.
    for name in ("fetch_article", "poll_feed", "poll_due_feeds"):
        assert celery_app.amqp.router.route({}, f"claims.tasks.{name}")["queue"].name == "fetch"
    # A queue declared by name only binds to the default exchange and key: every queue would get every task.
    bindings = {(q.exchange.name, q.routing_key) for q in celery_app.conf.task_queues}
    assert len(bindings) == len(celery_app.conf.task_queues) == 3


@pytest.fixture
def two_workers(tmp_path):
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    extraction = Worker(tmp_path / "extraction.log", settings.CELERY_BROKER_URL, queues="extraction")
    # The exports worker never loads spaCy: a few tens of MB instead of hundreds.
    exports = Worker(
        tmp_path / "exports.log", settings.CELERY_BROKER_URL, "exports", {"FACTCHECK_PRELOAD_LANGUAGES": ""}
    )
    try:
        yield extraction.start(), exports.start()
    finally:
        celery_app.conf.task_always_eager = eager
        extraction.stop()
        exports.stop()


def test_an_export_does_not_wait_behind_a_long_extraction(two_workers, editor_user):
    extraction, exports = two_workers
    ClaimFactory.create_batch(20)
    article = article_ingest(data=ArticleInput(body=big_article("Longue extraction"))).article
    status = lambda: Article.objects.get(pk=article.pk).extraction_status  # noqa: E731
    wait_for(lambda: status() == "extracting", 60, "the extraction to start", extraction)

    job = export_request(user=editor_user, format="csv", filters={})
    wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done", 60, "the export", exports)

    assert status() == "extracting", "the export should finish while the long extraction still runs"
    assert ExportJob.objects.get(pk=job.pk).rows_done == 20
    # Workers list their registered tasks at start; a task they ran appears as "name[id]".
    assert "claims.tasks.run_export[" not in extraction.log.read_text()
    assert "claims.tasks.run_export[" in exports.log.read_text()
    assert "claims.tasks.extract_article[" not in exports.log.read_text()
