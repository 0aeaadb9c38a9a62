"""Faults against a real worker on PostgreSQL and Redis: nothing is lost, nothing duplicated.

Runs in CI's PostgreSQL and Redis pass; on the embedded default it skips with the reason.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from claims.models import Article
from claims.services.extraction import articles_sweep
from claims.services.ingestion import ArticleInput, article_ingest
from factcheck.celery import app as celery_app
from tests.helpers import IN_CI, ROOT, sample_text
from tests.worker import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    ok = connection.vendor == "postgresql" and settings.CELERY_BROKER_URL.startswith("redis://")
    if not ok:
        if IN_CI and os.environ.get("FACTCHECK_EXPECT_SERVICES") == "true":
            pytest.fail("CI's services pass must run on PostgreSQL and Redis")
        pytest.skip("chaos tests need PostgreSQL and Redis (DATABASE_URL and REDIS_URL)")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


def big_article(tag: str) -> str:
    """About 20,000 words, under the ingestion limit: long enough to be caught in the middle of its extraction."""
    body = sample_text().split("\n", 2)[2]
    return "\n\n".join(f"{tag} {n}. {body}" for n in range(30))


def status(article_id: int) -> str:
    return Article.objects.get(pk=article_id).extraction_status


def assert_extracted_once(article_id: int) -> None:
    article = Article.objects.get(pk=article_id)
    assert article.extraction_status == "extracted", article.extraction_error
    spans = list(article.claims.values_list("start", "end"))
    assert spans and len(spans) == len(set(spans))
    assert article.progress_done == article.progress_total > 0
    assert all(article.body[c.start : c.end] == c.text for c in article.claims.all())


@pytest.fixture
def worker(tmp_path):
    started = Worker(tmp_path / "worker.log", settings.CELERY_BROKER_URL)
    yield started
    started.stop()


def test_a_pool_child_killed_mid_extraction_is_redone_exactly_once(worker):
    worker.start()
    article = article_ingest(data=ArticleInput(body=big_article("Enfant tué"))).article
    wait_for(lambda: status(article.pk) == "extracting", 60, "extraction to start", worker)
    time.sleep(0.5)
    children = worker.children()
    assert children, "the worker has no pool child"
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: status(article.pk) in ("extracted", "failed"), 180, "the redelivered extraction", worker)
    assert_extracted_once(article.pk)
    assert "WorkerLostError" in worker.log.read_text() or "exited prematurely" in worker.log.read_text()


def test_a_worker_killed_outright_and_restarted_completes_through_the_sweeper(worker, tmp_path):
    worker.start()
    article = article_ingest(data=ArticleInput(body=big_article("Processus tué"))).article
    wait_for(lambda: status(article.pk) == "extracting", 60, "extraction to start", worker)
    worker.kill_all()
    assert status(article.pk) == "extracting"
    worker.start()
    # In production the beat sweeper does this once the hard time limit has passed.
    assert articles_sweep(queued_for=3600, extracting_for=0) == [article.pk]
    wait_for(lambda: status(article.pk) in ("extracted", "failed"), 180, "the re-queued extraction", worker)
    assert_extracted_once(article.pk)


def test_a_lost_database_connection_during_a_task_is_retried_not_failed(worker):
    worker.start()
    article = article_ingest(data=ArticleInput(body=big_article("Connexion coupée"))).article
    wait_for(lambda: status(article.pk) == "extracting", 60, "extraction to start", worker)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
    wait_for(lambda: status(article.pk) in ("extracted", "failed"), 180, "the retried extraction", worker)
    assert_extracted_once(article.pk)
    assert "Retry in" in worker.log.read_text()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis(port: int, tmp_path: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for(
        lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
        20,
        "redis to start",
    )
    return server


def test_an_extraction_past_the_soft_time_limit_fails_with_the_reason_and_frees_the_worker(tmp_path, monkeypatch):
    from claims.tasks import extract_article

    # A message carries the limits of the process that sent it; the worker's settings word the reason.
    monkeypatch.setattr(extract_article, "soft_time_limit", 3)
    monkeypatch.setattr(extract_article, "_exec_options", None)  # Celery caches the options it sends
    slow = Worker(tmp_path / "worker.log", settings.CELERY_BROKER_URL, env_extra={"CELERY_TASK_SOFT_TIME_LIMIT": "3"})
    slow.start()
    try:
        article = article_ingest(data=ArticleInput(body=big_article("Trop long"))).article
        wait_for(lambda: status(article.pk) == "failed", 120, "the extraction to be stopped", slow)
        article.refresh_from_db()
        error = article.extraction_error  # in the desk's language
        assert "plus de 3 secondes" in error or "longer than 3 seconds" in error, error
        assert not article.claims.exists()
        small = article_ingest(data=ArticleInput(body="Le chômage a baissé de 2 % en 2023, selon l’INSEE.")).article
        wait_for(lambda: status(small.pk) == "extracted", 60, "the next article, on the same worker", slow)
        assert slow.process.poll() is None and "Hard time limit" not in slow.log.read_text()
    finally:
        slow.stop()


def test_articles_queued_when_redis_restarts_are_not_lost(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for this test") if IN_CI else pytest.skip("redis-server not installed")
    port = _free_port()
    private = f"redis://127.0.0.1:{port}/0"
    server = _redis(port, tmp_path)
    worker = Worker(tmp_path / "worker.log", private)
    try:
        files = []
        for n in range(3):
            path = tmp_path / f"a{n}.txt"
            path.write_text(f"Le chômage a baissé de {n + 2} % en 2023, selon l'INSEE. Article {n}.", encoding="utf-8")
            files.append(str(path))
        subprocess.run(
            [sys.executable, "manage.py", "ingest", *files], cwd=ROOT, env=worker.env(), check=True, capture_output=True
        )
        assert set(Article.objects.values_list("extraction_status", flat=True)) == {"queued"}
        server.kill()
        server.wait()
        server = _redis(port, tmp_path)  # no persistence: the queued messages are gone
        worker.start()
        time.sleep(3)
        assert set(Article.objects.values_list("extraction_status", flat=True)) == {"queued"}
        swept = subprocess.run(
            [sys.executable, "manage.py", "sweep", "--queued-for", "0"],
            cwd=ROOT,
            env=worker.env(),
            check=True,
            capture_output=True,
            text=True,
        )
        assert swept.stdout.startswith("re-queued 3")
        wait_for(
            lambda: set(Article.objects.values_list("extraction_status", flat=True)) == {"extracted"},
            120,
            "the three articles",
            worker,
        )
    finally:
        worker.stop()
        server.kill()
