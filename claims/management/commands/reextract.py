from django.core.management.base import BaseCommand, CommandError

from claims.models import Article
from claims.services.extraction import ExtractionRefused, article_reextract


class Command(BaseCommand):
    help = "Queue claim extraction again for one article or all of them."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("article_id", nargs="?", type=int)
        target.add_argument("--all", action="store_true")
        parser.add_argument(
            "--keep-human-work",
            action="store_true",
            help="Re-extract even where claims carry the desk's work, keeping it.",
        )

    def handle(self, *args, article_id, all, keep_human_work, **options):
        articles = Article.objects.all() if all else Article.objects.filter(pk=article_id)
        if not all and not articles.exists():
            raise CommandError(f"There is no article {article_id}.")
        refused = 0
        for article in articles.iterator():
            try:
                article_reextract(article=article, keep_human_work=keep_human_work)
                self.stdout.write(f"{article.pk}\tqueued")
            except ExtractionRefused as error:
                refused += 1
                self.stderr.write(f"{article.pk}\trefused: {error}")
        if refused and not all:
            raise CommandError("Nothing was queued.")
