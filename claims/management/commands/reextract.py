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
        parser.add_argument(
            "--threshold",
            type=float,
            help="the article's own claim threshold from now on (0-1; lower keeps more sentences)",
        )

    def handle(self, *args, article_id, all, keep_human_work, threshold, **options):
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold is a score between 0 and 1.")
        chosen = {} if threshold is None else {"threshold": threshold}
        articles = Article.objects.all() if all else Article.objects.filter(pk=article_id)
        if not all and not articles.exists():
            raise CommandError(f"There is no article {article_id}.")
        refused = 0
        for article in articles.iterator():
            try:
                article_reextract(article=article, keep_human_work=keep_human_work, **chosen)
                self.stdout.write(f"{article.pk}\tqueued")
            except ExtractionRefused as error:
                refused += 1
                self.stderr.write(f"{article.pk}\trefused: {error}")
        if refused and not all:
            raise CommandError("Nothing was queued.")
