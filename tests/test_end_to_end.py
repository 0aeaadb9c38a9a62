"""Web → broker → a real worker process → database → page, on whatever backend is configured.

On the embedded default that is SQLite and the filesystem broker; in CI's second run it is
PostgreSQL and Redis.
"""

import os

import pytest
from django.conf import settings
from django.db import connection

from claims.models import Article
from tests.helpers import sample_text
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_ci_runs_the_suite_on_postgresql_and_redis_when_asked():
    if os.environ.get("FACTCHECK_EXPECT_SERVICES") != "true":
        pytest.skip("this run uses the embedded default; CI's second run uses PostgreSQL and Redis")
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_an_article_submitted_on_the_web_is_extracted_by_a_real_worker(client, editor_user, celery_worker_process):
    client.force_login(editor_user)
    response = client.post("/articles/new/", {"body": sample_text()})
    article = Article.objects.get()
    assert response.status_code == 302

    wait_for(
        lambda: Article.objects.get(pk=article.pk).extraction_status in ("extracted", "failed"),
        120,
        "the article's extraction",
        celery_worker_process,
    )
    article.refresh_from_db()
    assert article.extraction_status == "extracted", article.extraction_error
    claims = list(article.claims.all())
    assert claims
    assert all(article.body[c.start : c.end] == c.text for c in claims)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'id="claim-{claims[0].pk}"' in page
