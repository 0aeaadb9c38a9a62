import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.nlp.matching import MatchIndex, embed_documents
from claims.nlp.trec import read_tsv, run_lines


class Command(BaseCommand):
    help = (
        "Match queries against a library of checked claims; print TREC run lines "
        "(query_id Q0 doc_id rank score run). Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--library", type=Path, required=True, help="TSV with an id column and a vclaim column")
        parser.add_argument("--queries", type=Path, required=True, help="TSV with an id and a tweet_content column")
        parser.add_argument("--top", type=int, default=5)
        parser.add_argument("--lang", default="en", choices=["en", "fr"])
        parser.add_argument("--run", default="factcheck", help="the run name in the last column")
        parser.add_argument(
            "--no-title", action="store_true", help="ignore the library's title column (used by default when present)"
        )
        parser.add_argument(
            "--no-encoder",
            action="store_true",
            help="words only: no dense stage (embedding a library costs about 40 ms of CPU a claim)",
        )
        parser.add_argument("--cache", type=Path, help="an .npz file keeping the library's embeddings between runs")

    def handle(self, *args, library, queries, top, lang, run, no_title, no_encoder, cache, **options):
        if top < 1:
            raise CommandError("--top must be at least 1.")
        try:
            documents = read_tsv(library, "vclaim", () if no_title else ("title",))
            questions = read_tsv(queries, "tweet_content")
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        index = MatchIndex(dense=False if no_encoder else None)
        vectors = embed_documents([text for _id, text in documents], cache) if index.dense else None
        index.add(((doc_id, text, lang) for doc_id, text in documents), vectors)
        for query_id, text in questions:
            ranked = [(m.doc_id, m.score) for m in index.search(text, lang, top)]
            for line in run_lines(query_id, ranked, run):
                self.stdout.write(line)
        elapsed = time.perf_counter() - started
        self.stderr.write(f"{len(questions)} queries against {len(documents)} claims in {elapsed:.1f} s")
