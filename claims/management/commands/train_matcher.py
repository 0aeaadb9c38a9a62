import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.nlp import matching
from claims.nlp.matching_training import train
from claims.nlp.trec import read_qrels, read_tsv


class Command(BaseCommand):
    help = "Fit the claim matcher's re-ranking models on CheckThat!-style data (library, queries, qrels)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--library", type=Path, required=True)
        parser.add_argument("--queries", type=Path, required=True)
        parser.add_argument("--qrels", type=Path, required=True)
        parser.add_argument("--dev-queries", type=Path)
        parser.add_argument("--dev-qrels", type=Path)
        parser.add_argument("--output", type=Path, default=matching.WEIGHTS_PATH)
        parser.add_argument("--no-encoder", action="store_true", help="train the words-only model alone")

    def handle(self, *args, library, queries, qrels, dev_queries, dev_qrels, output, no_encoder, **options):
        try:
            documents = read_tsv(library, "vclaim", ("title",))
            train_queries, relevant = read_tsv(queries, "tweet_content"), read_qrels(qrels)
            dev = read_tsv(dev_queries, "tweet_content") if dev_queries else []
            dev_relevant = read_qrels(dev_qrels) if dev_qrels else None
            trained = train(
                documents,
                train_queries,
                relevant,
                dev=dev,
                dev_qrels=dev_relevant,
                cache_dir=Path(settings.VAR_DIR) / "embeddings",
                dense=not no_encoder,
            )
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        for weights in (trained.models.lexical, trained.models.dense, trained.models.cross):
            if weights is not None and "dev_map_at_5" in trained.report:
                weights.meta["dev_map_at_5"] = trained.report["dev_map_at_5"]
        trained.models.save(output)
        self.stdout.write(f"wrote {output}")
        self.stdout.write(json.dumps(trained.report, indent=2))
