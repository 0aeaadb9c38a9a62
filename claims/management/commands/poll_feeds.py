from django.core.management.base import BaseCommand

from claims.services.feeds import feeds_poll_here


class Command(BaseCommand):
    help = (
        "Poll the feeds that are due (or those named) here and now, one after another, and say what came; "
        "beat does the same every minute through the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="feed ids to poll whatever their schedule")

    def handle(self, *args, ids, **options):
        polled = feeds_poll_here(ids=ids)
        for feed in polled:
            state = f"error: {feed.last_error}" if feed.last_error else "ok"
            self.stdout.write(
                f"feed {feed.pk} {feed}: {feed.items_seen} items seen, {feed.items_ingested} ingested; {state}"
            )
        self.stdout.write(f"polled {len(polled)} feeds")
