from django.conf import settings
from django.core.management.base import BaseCommand

from claims.services.exports import exports_sweep, running_limit
from claims.services.extraction import articles_sweep
from claims.services.notifications import notification_emails_sweep


class Command(BaseCommand):
    help = (
        "Re-queue extractions, exports and notification emails lost by the broker (still queued) or by a dead "
        "worker (running too long); fail exports lost too many times, and emails a dead worker was sending."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queued-for",
            type=int,
            default=settings.FACTCHECK_SWEEP_QUEUED_SECONDS,
            help="seconds an article or an export may stay queued",
        )
        parser.add_argument(
            "--extracting-for",
            type=int,
            default=settings.CELERY_TASK_TIME_LIMIT + 60,
            help="seconds an article may stay extracting (default: the hard time limit + 60)",
        )
        parser.add_argument(
            "--exporting-for",
            type=int,
            default=running_limit(),
            help="seconds an export may stay running (default: the hard time limit + 60)",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=settings.FACTCHECK_EXPORT_MAX_ATTEMPTS,
            help="an export lost this many times fails instead",
        )
        parser.add_argument(
            "--sending-for",
            type=int,
            default=settings.CELERY_TASK_TIME_LIMIT + 60,
            help="seconds a notification email may stay sending (default: the hard time limit + 60)",
        )

    def handle(self, *args, queued_for, extracting_for, exporting_for, max_attempts, sending_for, **options):
        swept = articles_sweep(queued_for=queued_for, extracting_for=extracting_for)
        self.stdout.write(f"re-queued {len(swept)}: {' '.join(map(str, swept))}".rstrip(": "))
        exported = exports_sweep(queued_for=queued_for, running_for=exporting_for, max_attempts=max_attempts)
        for verb, ids in (("re-queued", exported.requeued), ("failed", exported.failed)):
            self.stdout.write(f"exports {verb} {len(ids)}: {' '.join(map(str, ids))}".rstrip(": "))
        requeued, failed = notification_emails_sweep(queued_for=queued_for, sending_for=sending_for)
        self.stdout.write(f"emails re-queued {len(requeued)}: {' '.join(map(str, requeued))}".rstrip(": "))
        self.stdout.write(f"emails failed {failed}")
