"""Exports against a real exports worker that is killed mid-export: the job still finishes, whole.

Runs on the configured broker: Kombu's filesystem transport by default, Redis in CI's services pass.
"""

import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from claims.exporters.tabular import csv_lines
from claims.models import ExportJob, ExportStatus
from claims.reports import EXPORT_COLUMNS, export_queryset, export_rows
from claims.services.exports import export_request, exports_sweep, running_limit
from factcheck.celery import app as celery_app
from tests.factories import ClaimFactory
from tests.worker import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROWS = 150  # at 50 ms a row (tests/chaos/slow_exports.py), 7.5 s of writing


@pytest.fixture
def worker(tmp_path):
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    slow = {"DJANGO_SETTINGS_MODULE": "tests.chaos.slow_exports", "FACTCHECK_PRELOAD_LANGUAGES": ""}
    started = Worker(tmp_path / "exports.log", queues="exports", env_extra=slow)
    try:
        yield started
    finally:
        celery_app.conf.task_always_eager = eager
        started.stop()


@pytest.fixture
def job(editor_user):
    """A queued export of ROWS claims, its message sent before any worker runs."""
    ClaimFactory.create_batch(ROWS)
    job = export_request(user=editor_user, format="csv", filters={})
    for path in (_final(job), _partial(job)):  # ids are reused from one test database to the next
        path.unlink(missing_ok=True)
    return job


def _final(job) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file_name


def _partial(job) -> Path:
    return _final(job).with_name(_final(job).name + ".part")


def _half_written(job) -> bool:
    return _partial(job).exists() and _partial(job).stat().st_size > 0


def _status(job) -> str:
    return ExportJob.objects.get(pk=job.pk).status


def assert_whole_and_correct(job) -> None:
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    assert job.rows_done == job.rows_total == ROWS
    expected = "".join(csv_lines(EXPORT_COLUMNS, export_rows(export_queryset(job.filters), language=job.language)))
    assert _final(job).read_bytes().decode("utf-8") == expected
    assert job.file.name == job.file_name and not _partial(job).exists()


def test_a_killed_pool_childs_export_is_taken_over_by_its_redelivered_message_once_stale(worker, job):
    worker.start()
    wait_for(lambda: _half_written(job), 60, "the export to be half written", worker)
    # As if it had been running past the hard time limit: only then may a redelivered message take it over.
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(seconds=running_limit() + 1))
    children = worker.children()
    assert children, "the worker has no pool child"
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: _status(job) in (ExportStatus.DONE, ExportStatus.FAILED), 120, "the redelivered export", worker)
    assert_whole_and_correct(job)
    assert job.attempts == 2
    log = worker.log.read_text()
    assert "WorkerLostError" in log or "exited prematurely" in log


def test_a_killed_workers_export_serves_no_half_file_and_finishes_after_a_restart_and_the_sweeper(
    worker, job, client, editor_user
):
    worker.start()
    wait_for(lambda: _half_written(job), 60, "the export to be half written", worker)
    worker.kill_all()
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING and not job.file and not _final(job).exists()
    client.force_login(editor_user)
    assert client.get(reverse("claims:export-download", args=[job.pk])).status_code == 404

    worker.start()
    # In production the beat sweeper does this once the hard time limit has passed.
    assert exports_sweep(queued_for=600, running_for=0, max_attempts=3) == ([job.pk], [])
    wait_for(lambda: _status(job) in (ExportStatus.DONE, ExportStatus.FAILED), 120, "the re-queued export", worker)
    assert_whole_and_correct(job)
    assert job.attempts == 2
    download = client.get(reverse("claims:export-download", args=[job.pk]))
    assert b"".join(download.streaming_content).decode() == _final(job).read_bytes().decode("utf-8")
