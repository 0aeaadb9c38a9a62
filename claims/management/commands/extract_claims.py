import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.nlp.language import detect_language
from claims.nlp.pipeline import OUTLET_FALLBACK, Extraction, extract, extract_many
from claims.services.ingestion import split_metadata_line


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
            self._jsonl(raw, lang)
            return
        self.stdout.write(json.dumps(_extract_text(raw, lang), ensure_ascii=False, indent=2))

    def _jsonl(self, raw: str, lang: str) -> None:
        """Items of one language share batched nlp.pipe streams; output keeps the input order."""
        items = [_jsonl_item(number, line) for number, line in enumerate(raw.splitlines(), start=1) if line.strip()]
        prepared = [(item_id, *_prepare(text, lang)) for item_id, text in items]
        results = {}
        for language in dict.fromkeys(p[3] for p in prepared):
            group = [(n, p[2]) for n, p in enumerate(prepared) if p[3] == language]
            for n, result in extract_many(group, language):
                results[n] = result
        for n, (item_id, offset, _body, _language, outlet) in enumerate(prepared):
            if outlet:
                _relabel_outlet(results[n], outlet)
            self.stdout.write(json.dumps({"id": item_id, **_as_json(results[n], offset)}, ensure_ascii=False))


def _jsonl_item(number: int, line: str) -> tuple[object, str]:
    try:
        item = json.loads(line)
        return item["id"], item["text"] or ""
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise CommandError(f'line {number}: expected {{"id", "text"}} ({error})') from None


def _prepare(raw: str, lang: str) -> tuple[int, str, str, str]:
    """(offset of the body in raw, body, language, outlet from a metadata line)."""
    _date, outlet, body = split_metadata_line(raw)
    offset = raw.index(body) if body else 0
    return offset, body, lang or (detect_language(body) if body.strip() else "en"), outlet


def _relabel_outlet(result: Extraction, outlet: str) -> None:
    fallback = OUTLET_FALLBACK.get(result.language, "the outlet")
    for claim in result.claims:
        if claim.claimant == fallback:
            claim.claimant = outlet


def _extract_text(raw: str, lang: str) -> dict:
    """Claims with offsets into `raw`; a leading ' date 2023-01 CNN' line is metadata, not a claim."""
    offset, body, language, outlet = _prepare(raw, lang)
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
