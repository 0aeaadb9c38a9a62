import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from claims.nlp.pipeline import score_texts

BATCH = 2000


class Command(BaseCommand):
    help = "score FILE.tsv --lang en: the TSV (with a Text column) on stdout with score and label columns added."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["score"])
        parser.add_argument("file", help="a TSV file with a header and a Text column ('-' for stdin)")
        parser.add_argument("--lang", default="en")

    def handle(self, *args, action, file, lang, **options):
        csv.field_size_limit(sys.maxsize)
        handle = sys.stdin if file == "-" else open(file, encoding="utf-8", newline="")  # noqa: SIM115
        with handle:
            reader = csv.DictReader(handle, delimiter="\t")
            if not reader.fieldnames or "Text" not in reader.fieldnames:
                raise CommandError(f"{file} needs a header row with a Text column.")
            writer = csv.DictWriter(
                self.stdout, fieldnames=[*reader.fieldnames, "score", "label"], delimiter="\t", lineterminator="\n"
            )
            writer.writeheader()
            batch = []
            for row in reader:
                batch.append(row)
                if len(batch) == BATCH:
                    self._write(writer, batch, lang)
                    batch = []
            self._write(writer, batch, lang)

    def _write(self, writer, rows, lang) -> None:
        if not rows:
            return
        scores, threshold = score_texts([row["Text"] or "" for row in rows], lang)
        for row, score in zip(rows, scores, strict=True):
            writer.writerow(row | {"score": f"{score:.4f}", "label": "Yes" if score >= threshold else "No"})
