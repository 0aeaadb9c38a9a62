"""Background exports: a row with a status and a stored file, polled by the page.

As with extraction, a job is queued under a fresh token and a worker claims it with a
conditional UPDATE, so a stale or repeated message finds nothing to do. A job still running
past the task's hard time limit has lost its worker (Celery kills a task at that limit): a
redelivered message may then take it over, and the sweeper re-queues it under a new token,
or fails it once it has been tried FACTCHECK_EXPORT_MAX_ATTEMPTS times. Transient errors
(a lost database connection, the broker out of reach) are retried by the task under the
same token; any other error fails the job with a reason a person can read. The file is
written under a temporary name and renamed into place, so its name never holds half a file.
"""

import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import workflow
from claims.models import ExportFormat, ExportJob, ExportStatus
from claims.reports import export_lines, export_queryset, export_rows, export_xlsx, told
from claims.tasks import TRANSIENT_ERRORS, run_export

logger = logging.getLogger(__name__)
FILTER_KEYS = ("status", "rating", "article", "checker", "date_from", "date_to", "tag")
PROGRESS_EVERY = 5000


class ExportSweep(NamedTuple):
    requeued: list[int]
    failed: list[int]


def running_limit() -> int:
    """Seconds after which a running export has lost its worker: past the hard time limit."""
    return settings.CELERY_TASK_TIME_LIMIT + 60


def export_request(*, user, format: str, filters: dict, language: str | None = None, bom: bool = False) -> ExportJob:
    """`language`: of the spreadsheet's headings and of the labels (default: the desk's)."""
    if not workflow.can_export(user):
        raise workflow.NotAllowed(_("Only editors can export."))
    clean = {key: str(value) for key, value in filters.items() if key in FILTER_KEYS and value not in (None, "")}
    language = language or settings.LANGUAGE_CODE[:2]
    with transaction.atomic():
        job = ExportJob.objects.create(requested_by=user, format=format, filters=clean, language=language, bom=bom)
        job.token = _queue(job.pk)
    return job


def export_run(*, job_id: int, token: str, retry: bool = False) -> bool:
    """Write the export if this message may claim it. Returns whether it ran.

    `retry`: the message is the task's retry after a transient error; the attempt that raised
    it has ended, so the retry takes the job over at once.
    """
    if not _claim(job_id, token, retry=retry):
        logger.info("Export %s: token %s is stale, the job is gone or a live worker holds it; dropped", job_id, token)
        return False
    job = ExportJob.objects.get(pk=job_id)
    try:
        _write(job)
    except TRANSIENT_ERRORS:
        raise  # the task retries under the same token
    except SoftTimeLimitExceeded:
        _fail(job_id, token, _too_long())
    except Exception as error:  # the person sees the reason, the log has the trace
        logger.exception("Export %s failed", job_id)
        _fail(job_id, token, _unexpected(error))
    return True


def exports_sweep(*, queued_for: int, running_for: int, max_attempts: int) -> ExportSweep:
    """Re-queue exports whose run was lost: still queued after `queued_for` seconds (the broker
    lost the message) or running after `running_for` (the worker died). A job already claimed
    `max_attempts` times fails instead, with its reason."""
    now = timezone.now()
    stuck = Q(status=ExportStatus.QUEUED, queued_at__lt=now - timedelta(seconds=queued_for)) | _lost(now, running_for)
    swept = ExportSweep([], [])
    for job in ExportJob.objects.filter(stuck).only("pk", "token", "attempts"):
        still_stuck = stuck & Q(token=job.token)  # unless a worker claimed it meanwhile
        if job.attempts >= max_attempts:
            if ExportJob.objects.filter(still_stuck, pk=job.pk).update(**_failed(_interrupted(job.attempts))):
                swept.failed.append(job.pk)
            continue
        with transaction.atomic():
            if _queue(job.pk, still_stuck):
                swept.requeued.append(job.pk)
    if swept.requeued or swept.failed:
        logger.warning("Exports lost by the broker or a dead worker: re-queued %s, failed %s", *swept)
    return swept


def _queue(job_id: int, where: Q | None = None) -> str | None:
    """Queue the job under a fresh token (if `where` still holds) and send the task once committed."""
    token = uuid.uuid4().hex
    queued = ExportJob.objects.filter(where or Q(), pk=job_id).update(
        status=ExportStatus.QUEUED, token=token, queued_at=timezone.now(), started_at=None, rows_done=0, error=""
    )
    if not queued:
        return None
    run_export.delay_on_commit(job_id, token)
    return token


def _lost(now, running_for: int) -> Q:
    # No start time: running since before jobs recorded one, so long lost.
    return Q(status=ExportStatus.RUNNING) & (
        Q(started_at__lt=now - timedelta(seconds=running_for)) | Q(started_at__isnull=True)
    )


def _claim(job_id: int, token: str, *, retry: bool) -> bool:
    now = timezone.now()
    claimable = Q(status=ExportStatus.QUEUED) | _lost(now, running_limit())
    if retry:
        claimable |= Q(status=ExportStatus.RUNNING)
    return bool(
        ExportJob.objects.filter(claimable, pk=job_id, token=token).update(
            status=ExportStatus.RUNNING,
            started_at=now,
            finished_at=None,
            attempts=F("attempts") + 1,
            rows_done=0,
            error="",
        )
    )


def _write(job: ExportJob) -> None:
    claims = export_queryset(job.filters)
    ExportJob.objects.filter(pk=job.pk).update(rows_total=claims.count())
    path = Path(job.file.storage.path(job.file_name))
    partial = path.with_name(path.name + ".part")  # one writer at a time: the claim sees to it
    path.parent.mkdir(parents=True, exist_ok=True)
    progress = _Progress(job.pk)
    try:
        if job.format == ExportFormat.XLSX:
            with partial.open("wb") as out:  # row by row through a temporary file: constant memory
                export_xlsx(out, told(export_rows(claims, language=job.language), progress), language=job.language)
                _sync(out)
        else:
            with partial.open("w", encoding="utf-8", newline="") as out:  # piece by piece: constant memory
                lines = export_lines(job.format, claims, language=job.language, bom=job.bom, progress=progress)
                out.writelines(lines)
                _sync(out)
        os.replace(partial, path)  # atomic: the name holds a whole file, an earlier one, or nothing
    finally:
        partial.unlink(missing_ok=True)
    progress.save()
    finished = ExportJob.objects.filter(pk=job.pk, token=job.token, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, file=job.file_name, finished_at=timezone.now()
    )
    if not finished:
        logger.info("Export %s was re-queued while running; its next run writes the file again", job.pk)


def _sync(out) -> None:
    out.flush()
    os.fsync(out.fileno())


def _fail(job_id: int, token: str, reason: str) -> None:
    ExportJob.objects.filter(pk=job_id, token=token).update(**_failed(reason))


def _failed(reason: str) -> dict:
    return {"status": ExportStatus.FAILED, "error": reason, "finished_at": timezone.now()}


def _too_long() -> str:
    return _(
        "It took longer than %(seconds)s seconds and was stopped. Narrow it (a status, an article, dates) and "
        "try again."
    ) % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT}


def _unexpected(error: Exception) -> str:
    return _(
        "Unexpected error (%(error)s). Try again; if it fails again, tell an administrator: the exports "
        "worker's log has the details."
    ) % {"error": f"{type(error).__name__}: {error}"}


def _interrupted(attempts: int) -> str:
    return ngettext(
        "Interrupted %(count)s time (its worker stopped, or the database or the broker was out of reach). "
        "Try again later or narrow it; if it keeps failing, tell an administrator.",
        "Interrupted %(count)s times (its worker stopped, or the database or the broker was out of reach). "
        "Try again later or narrow it; if it keeps failing, tell an administrator.",
        attempts,
    ) % {"count": attempts}


class _Progress:
    """Rows written so far, saved on the job every PROGRESS_EVERY rows and at the end."""

    def __init__(self, job_id: int):
        self.job_id, self.done = job_id, 0

    def __call__(self, done: int) -> None:
        crossed = done // PROGRESS_EVERY > self.done // PROGRESS_EVERY
        self.done = done
        if crossed:
            self.save()

    def save(self) -> None:
        ExportJob.objects.filter(pk=self.job_id).update(rows_done=self.done)
