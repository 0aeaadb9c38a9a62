"""Exports are claimed by token, retried only on transient errors, swept when lost, written whole."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from claims.models import ExportJob, ExportStatus
from claims.services import exports
from claims.tasks import run_export
from factcheck.celery import app as celery_app
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
LIMIT = exports.running_limit()


@pytest.fixture
def job(editor_user, django_capture_on_commit_callbacks):
    """A queued export of three claims whose message has not been delivered yet."""
    ClaimFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):
        job = exports.export_request(user=editor_user, format="csv", filters={})
    Path(ExportJob.objects.get(pk=job.pk).file.storage.path(job.file_name)).unlink(missing_ok=True)
    return ExportJob.objects.get(pk=job.pk)


def _set(job, **fields) -> None:
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def _rows(job) -> list[dict]:
    job.refresh_from_db()
    with job.file.open("rb") as stored:
        return list(csv.DictReader(io.StringIO(stored.read().decode("utf-8"))))


def test_a_job_is_claimed_once_and_a_repeated_message_finds_nothing(job):
    assert exports.export_run(job_id=job.pk, token=job.token) is True
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_done) == (ExportStatus.DONE, 1, 3)
    assert job.started_at <= job.finished_at
    assert exports.export_run(job_id=job.pk, token=job.token) is False
    assert ExportJob.objects.get(pk=job.pk).attempts == 1


def test_a_message_with_an_older_token_is_dropped(job):
    old = job.token
    _set(job, token="newer")
    assert exports.export_run(job_id=job.pk, token=old) is False
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.QUEUED


def test_a_redelivered_message_leaves_a_job_a_live_worker_is_running(job):
    _set(job, status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=LIMIT - 30), attempts=1)
    assert exports.export_run(job_id=job.pk, token=job.token) is False
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING


def test_a_redelivered_message_takes_over_a_job_running_past_the_hard_time_limit(job):
    _set(job, status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=LIMIT + 1), attempts=1)
    assert exports.export_run(job_id=job.pk, token=job.token) is True
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportStatus.DONE, 2)
    assert len(_rows(job)) == 3


def test_a_retry_takes_over_the_attempt_that_raised_at_once(job):
    _set(job, status=ExportStatus.RUNNING, started_at=timezone.now(), attempts=1)
    assert exports.export_run(job_id=job.pk, token=job.token, retry=True) is True
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE


def test_a_transient_error_is_retried_under_the_same_token_until_it_passes(job, monkeypatch):
    real, calls = exports.export_lines, []

    def flaky(format, claims, **options):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(format, claims, **options)

    monkeypatch.setattr(exports, "export_lines", flaky)
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False  # else an eager retry raises Retry instead of running
    try:
        run_export.delay(job.pk, job.token)  # eager in tests: the retries run at once, without their backoff
    finally:
        celery_app.conf.task_eager_propagates = propagates
    job.refresh_from_db()
    assert (job.status, job.attempts, len(calls)) == (ExportStatus.DONE, 3, 3)
    assert len(_rows(job)) == 3


def test_a_non_transient_error_fails_the_job_at_once_with_a_reason_shown_on_its_page(job, monkeypatch, client):
    calls = []

    def broken(format, claims, **options):
        calls.append(1)
        raise ValueError("bad filter value")

    monkeypatch.setattr(exports, "export_lines", broken)
    run_export.delay(job.pk, job.token)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and len(calls) == 1
    assert job.error == (
        "Unexpected error (ValueError: bad filter value). Try again; if it fails again, tell an administrator: "
        "the exports worker's log has the details."
    )
    assert not job.file
    client.force_login(job.requested_by)
    page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The export failed:" in page and "ValueError: bad filter value" in page
    assert client.get(reverse("claims:export-download", args=[job.pk])).status_code == 404


def test_the_file_is_written_under_a_temporary_name_and_renamed_once_whole(job, monkeypatch):
    real, seen = exports.export_lines, []
    final = Path(job.file.storage.path(job.file_name))

    def watched(format, claims, **options):
        for piece in real(format, claims, **options):  # a line each, or rows in pieces on PostgreSQL
            seen.append((final.exists(), final.with_name(final.name + ".part").exists()))
            yield piece

    monkeypatch.setattr(exports, "export_lines", watched)
    exports.export_run(job_id=job.pk, token=job.token)
    assert seen and set(seen) == {(False, True)}
    assert final.exists() and not final.with_name(final.name + ".part").exists()


def test_a_new_attempt_replaces_the_file_of_an_earlier_one(job, django_capture_on_commit_callbacks):
    exports.export_run(job_id=job.pk, token=job.token)
    folder = Path(ExportJob.objects.get(pk=job.pk).file.path).parent
    files = set(folder.iterdir())
    ClaimFactory()
    _set(job, status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=LIMIT + 1))
    with django_capture_on_commit_callbacks(execute=True):
        exports.exports_sweep(queued_for=600, running_for=LIMIT, max_attempts=3)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.file.name == job.file_name
    assert len(_rows(job)) == 4
    assert set(folder.iterdir()) == files  # the same name, no claims-N_xxxx.csv beside it


def test_the_sweeper_requeues_a_job_queued_too_long_under_a_new_token(job, django_capture_on_commit_callbacks):
    _set(job, queued_at=timezone.now() - timedelta(seconds=601))
    with django_capture_on_commit_callbacks(execute=True):
        swept = exports.exports_sweep(queued_for=600, running_for=LIMIT, max_attempts=3)
    assert swept == ([job.pk], [])
    fresh = ExportJob.objects.get(pk=job.pk)
    assert fresh.status == ExportStatus.DONE and fresh.token != job.token
    assert exports.export_run(job_id=job.pk, token=job.token) is False  # the lost message, if it comes back


def test_the_sweeper_requeues_a_job_whose_worker_died(job, django_capture_on_commit_callbacks):
    _set(job, status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=LIMIT + 1), attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert exports.exports_sweep(queued_for=600, running_for=LIMIT, max_attempts=3) == ([job.pk], [])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportStatus.DONE, 2)


def test_the_sweeper_leaves_recent_jobs_alone(job):
    _set(job, status=ExportStatus.RUNNING, started_at=timezone.now(), attempts=1)
    assert exports.exports_sweep(queued_for=600, running_for=LIMIT, max_attempts=3) == ([], [])
    assert exports.exports_sweep(queued_for=0, running_for=LIMIT, max_attempts=3) == ([], [])  # running, not queued


def test_a_job_running_since_before_jobs_had_a_start_time_is_swept(job, django_capture_on_commit_callbacks):
    _set(job, status=ExportStatus.RUNNING, started_at=None, token="")
    with django_capture_on_commit_callbacks(execute=True):
        assert exports.exports_sweep(queued_for=600, running_for=LIMIT, max_attempts=3) == ([job.pk], [])
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE


def test_the_sweeper_fails_a_job_lost_too_many_times_with_its_reason(job):
    _set(job, status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=LIMIT + 1), attempts=3)
    assert exports.exports_sweep(queued_for=600, running_for=LIMIT, max_attempts=3) == ([], [job.pk])
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.finished_at is not None
    assert job.error.startswith("Interrupted 3 times (its worker stopped, or the database or the broker")
    assert exports.export_run(job_id=job.pk, token=job.token) is False
