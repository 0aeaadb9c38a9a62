import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.models import Article, ExtractionStatus
from claims.services.ingestion import (
    BULK_SUFFIXES,
    IngestionError,
    IngestResult,
    article_ingest,
    article_input_from_upload,
    articles_import_bulk,
)

TERMINAL = (ExtractionStatus.EXTRACTED, ExtractionStatus.FAILED)


class Command(BaseCommand):
    help = "Ingest article files (.txt, .md, .html) or bulk files (.jsonl, .csv) and print each article's id."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--wait", action="store_true", help="Wait for extraction and print the claims.")
        parser.add_argument("--timeout", type=float, default=300, help="Seconds to wait with --wait.")

    def handle(self, *args, paths, wait, timeout, **options):
        results, failures, refused = [], 0, 0
        for path in paths:
            try:
                saved, refused_lines = self._ingest(path)
            except (IngestionError, OSError) as error:
                failures += 1
                self.stderr.write(f"{path}: {error}")
            else:
                results.extend(saved)
                refused += refused_lines
        if wait:
            self._wait([r.article.pk for r in results], timeout)
        if failures or refused:
            raise CommandError(
                f"{failures} file(s) could not be ingested and {refused} record(s) were refused (listed above); "
                "everything else was saved."
            )

    def _ingest(self, path: Path) -> tuple[list[IngestResult], int]:
        """The articles saved from `path`, and how many of its records were refused."""
        data = path.read_bytes()
        errors = []
        if path.suffix.lower() in BULK_SUFFIXES:
            outcome = articles_import_bulk(name=path.name, data=data)
            results, errors = outcome.results, outcome.errors
        else:
            results = [article_ingest(data=article_input_from_upload(name=path.name, data=data))]
        for result in results:
            state = "created" if result.created else "existing"
            self.stdout.write(f"{result.article.pk}\t{state}\t{result.article.title}")
        for line, message in errors:
            self.stderr.write(f"{path}:{line}: {message}")
        return results, len(errors)

    def _wait(self, ids: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while Article.objects.filter(pk__in=ids).exclude(extraction_status__in=TERMINAL).exists():
            if time.monotonic() > deadline:
                raise CommandError("Timed out waiting for extraction. Is a worker running?")
            time.sleep(0.5)
        for article in Article.objects.filter(pk__in=ids).order_by("pk"):
            self.stdout.write(f"\n# article {article.pk}: {article.get_extraction_status_display()}")
            if article.extraction_error:
                self.stdout.write(f"  error: {article.extraction_error}")
            for claim in article.claims.order_by("start"):
                score = "-" if claim.score is None else f"{claim.score:.2f}"
                who = f" [{claim.claimant}]" if claim.claimant else ""
                self.stdout.write(f"  {claim.start}-{claim.end}\t{score}\t{claim.text}{who}")
