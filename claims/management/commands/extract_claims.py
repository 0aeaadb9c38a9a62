import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.nlp.pipeline import Extraction, extract
from claims.services.ingestion import detect_language, split_metadata_line


class Command(BaseCommand):
    help = "Print the claims of a text file as JSON (--json), or of a JSONL file of {id, text} (--jsonl)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--lang", default="", help="fr, en, …; detected when omitted")
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="FILE is one text; print one JSON object")
        output.add_argument("--jsonl", action="store_true", help="FILE has one {id, text} per line")

    def handle(self, *args, file, lang, jsonl, **options):
        try:
            raw = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from None
        if jsonl:
            for number, line in enumerate(raw.splitlines(), start=1):
                if line.strip():
                    self._jsonl_line(number, line, lang)
            return
        self.stdout.write(json.dumps(_extract_text(raw, lang), ensure_ascii=False, indent=2))

    def _jsonl_line(self, number: int, line: str, lang: str) -> None:
        try:
            item = json.loads(line)
            item_id, text = item["id"], item["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CommandError(f'line {number}: expected {{"id", "text"}} ({error})') from None
        self.stdout.write(json.dumps({"id": item_id, **_extract_text(text or "", lang)}, ensure_ascii=False))
        sys.stdout.flush()


def _extract_text(raw: str, lang: str) -> dict:
    """Claims with offsets into `raw`; a leading ' date 2023-01 CNN' line is metadata, not a claim."""
    _date, outlet, body = split_metadata_line(raw)
    offset = raw.index(body) if body else 0
    language = lang or (detect_language(body) if body.strip() else "en")
    return _as_json(extract(body, language, outlet=outlet), offset)


def _as_json(result: Extraction, offset: int) -> dict:
    return {
        "language": result.language,
        "sentences": result.sentences,
        "claims": [
            {
                "text": c.text,
                "start": c.start + offset,
                "end": c.end + offset,
                "score": c.score,
                "reasons": c.reasons,
                "types": c.types,
                "claimant": c.claimant,
                "entities": [
                    {"text": e.text, "label": e.label, "start": e.start + offset, "end": e.end + offset}
                    for e in c.entities
                ],
            }
            for c in result.claims
        ],
    }
