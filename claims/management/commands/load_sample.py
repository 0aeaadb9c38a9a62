from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from claims.services.ingestion import article_ingest, article_input_from_upload

# The sample the screenshots and the NLP tests use, beside the repository when it is there...
SHARED_SAMPLE = settings.BASE_DIR.parent / "shared" / "samples" / "cnn-2023-01-chine-russie-fr.txt"
# ...and ours, shipped with the code, so that a fresh clone never starts on an empty desk.
BUILT_IN_SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample-article-fr.txt"


def sample_path(shared: Path = SHARED_SAMPLE) -> Path:
    return shared if shared.is_file() else BUILT_IN_SAMPLE


class Command(BaseCommand):
    help = "Ingest the sample article: the shared one when present, else the one shipped in claims/fixtures/."

    def add_arguments(self, parser):
        parser.add_argument("--shared", type=Path, default=SHARED_SAMPLE, help="Where the shared sample would be.")

    def handle(self, *args, shared: Path, **options):
        path = sample_path(shared)
        result = article_ingest(data=article_input_from_upload(name=path.name, data=path.read_bytes()))
        state = "ingested" if result.created else "already on the desk"
        self.stdout.write(f"Sample article {state}: {result.article.title} ({path}), article {result.article.pk}")
