"""Settings for a test worker whose exports crawl (50 ms a row), so that a test can kill it mid-export.

The worker's own settings, plus one patch applied in each pool child as it starts: the app
itself knows nothing of it.
"""

from celery.signals import worker_process_init

from factcheck.settings.base import *  # noqa: F403

ROW_SECONDS = 0.05


@worker_process_init.connect(weak=False)
def _slow_export_rows(**_kwargs) -> None:
    import time

    from claims import reports
    from claims.services import exports

    rows = reports.export_rows

    def slow(claims, **options):
        for row in rows(claims, **options):
            time.sleep(ROW_SECONDS)
            yield row

    reports.export_rows = exports.export_rows = slow
    reports.csv_by_copy = lambda _db: False  # a COPY comes in one go: the slow rows are the Python way's
