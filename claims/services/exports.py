"""Background exports: a row with a status and a stored file, polled by the page."""

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from claims import workflow
from claims.exporters.tabular import csv_lines, jsonl_lines
from claims.models import ExportFormat, ExportJob, ExportStatus
from claims.reports import EXPORT_COLUMNS, export_queryset, export_rows

logger = logging.getLogger(__name__)
FILTER_KEYS = ("status", "rating", "article", "checker", "date_from", "date_to")
PROGRESS_EVERY = 5000


def export_request(*, user, format: str, filters: dict) -> ExportJob:
    if not workflow.can_export(user):
        raise workflow.NotAllowed(_("Only editors can export."))
    clean = {key: str(value) for key, value in filters.items() if key in FILTER_KEYS and value not in (None, "")}
    with transaction.atomic():
        job = ExportJob.objects.create(requested_by=user, format=format, filters=clean)
        from claims.tasks import run_export

        run_export.delay_on_commit(job.pk)
    return job


def export_run(*, job_id: int) -> None:
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(status=ExportStatus.RUNNING):
        logger.info("Export %s is gone or already taken; dropped", job_id)
        return
    job = ExportJob.objects.get(pk=job_id)
    try:
        claims = export_queryset(job.filters)
        ExportJob.objects.filter(pk=job_id).update(rows_total=claims.count())
        with tempfile.TemporaryFile("w+b") as spool:  # line by line: constant memory at any size
            for line in _lines(job, claims):
                spool.write(line.encode("utf-8"))
            spool.seek(0)
            job.file.save(f"claims-{job.pk}.{job.format}", File(spool), save=False)
        ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.DONE, file=job.file.name)
    except Exception as error:  # the person sees the reason, the log has the trace
        logger.exception("Export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.FAILED, error=f"{type(error).__name__}: {error}")


def _lines(job: ExportJob, claims):
    rows = _counted(job.pk, export_rows(claims))
    if job.format == ExportFormat.CSV:
        return csv_lines(EXPORT_COLUMNS, rows)
    return jsonl_lines(rows)


def _counted(job_id: int, rows):
    done = 0
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=done)
        yield row
    ExportJob.objects.filter(pk=job_id).update(rows_done=done)
