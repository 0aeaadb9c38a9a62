from django.conf import settings
from django.core.management.base import BaseCommand

from claims.services.extraction import articles_sweep


class Command(BaseCommand):
    help = "Re-queue extractions lost by the broker (still queued) or by a dead worker (extracting too long)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queued-for",
            type=int,
            default=settings.FACTCHECK_SWEEP_QUEUED_SECONDS,
            help="seconds an article may stay queued",
        )
        parser.add_argument(
            "--extracting-for",
            type=int,
            default=settings.CELERY_TASK_TIME_LIMIT + 60,
            help="seconds an article may stay extracting (default: the hard time limit + 60)",
        )

    def handle(self, *args, queued_for, extracting_for, **options):
        swept = articles_sweep(queued_for=queued_for, extracting_for=extracting_for)
        self.stdout.write(f"re-queued {len(swept)}: {' '.join(map(str, swept))}".rstrip(": "))
