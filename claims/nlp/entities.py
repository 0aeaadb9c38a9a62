"""People, organisations and places from spaCy; dates and figures by rule.

spaCy's French models label only PER, ORG, LOC and MISC, so DATE and FIGURE come from
the patterns below, in French and English.
"""

import re

from spacy.tokens import Span

from claims.nlp.entity_rules import relabel
from claims.nlp.types import Entity

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATE = re.compile(
    rf"\b(?:(?:1er|\d{{1,2}}(?:st|nd|rd|th)?)\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?(?:\s+(?:19|20)\d{{2}})?\b"
    rf"|\b\d{{1,2}}/\d{{1,2}}/(?:19|20)?\d{{2}}\b"
    rf"|\b(?:19|20)\d{{2}}-\d{{2}}(?:-\d{{2}})?\b"
    rf"|\b(?:en|in|depuis|since|d'ici|by)\s+(?:19|20)\d{{2}}\b"
    rf"|\b(?:19|20)\d{{2}}\b",
    re.IGNORECASE,
)
_NUMBER = r"\d{1,3}(?:[  .,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:milliards?|millions?|milliers?|billions?|trillions?|thousands?|hundreds?|mille|k|md|mds|bn|m)"
_UNIT = (
    r"(?:%|pour\s?cent|percent|per\s?cent|points?|€|euros?|\$|dollars?|£|livres?|pounds?|"
    r"km|kilomètres?|kilometres?|kilometers?|kg|kilos?|tonnes?|tons?|habitants?|personnes?|people|ans|years?|"
    r"morts?|deaths?|emplois?|jobs?|fois|times)"
)
_FIGURE = re.compile(
    rf"(?:[€$£]\s?)?(?:{_NUMBER})(?:\s?{_SCALE})?(?:\s?(?:de\s|d'|of\s)?{_UNIT})?"
    rf"|\b(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|trente|cent|"
    rf"one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|hundred)\s+{_SCALE}\b(?:\s?(?:de\s|d'|of\s)?{_UNIT})?"
    rf"|\b(?:la\s+moitié|un\s+tiers|un\s+quart|half|a\s+third|a\s+quarter|twice|double|triple)\b",
    re.IGNORECASE,
)
# Leading words that make an entity a fragment: "l'Occident" → "Occident", "qu'elle" → dropped.
_LEADING = re.compile(r"^(?:(?:l|d|qu|s|j|n|m|t|c)['’]|(?:le|la|les|du|des|de|the)\s+)", re.IGNORECASE)
_SPACY_LABELS = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "PLACE", "GPE": "PLACE", "MISC": "MISC"}


def entities(span: Span, offset: int) -> list[Entity]:
    """Entities in a sentence span, offsets into the original text (`offset` = paragraph start)."""
    found = [e for ent in span.ents if (e := _from_spacy(ent, offset)) is not None]
    text = span.text
    base = offset + span.start_char
    found += _by_rule(text, base, _DATE, "DATE")
    found += _by_rule(text, base, _FIGURE, "FIGURE", taken=[(e.start, e.end) for e in found if e.label == "DATE"])
    return sorted(found, key=lambda e: (e.start, e.end))


def _from_spacy(ent: Span, offset: int) -> Entity | None:
    label = _SPACY_LABELS.get(ent.label_)
    if label is None:
        return None
    text, start = ent.text, offset + ent.start_char
    while (match := _LEADING.match(text)) and match.end() < len(text):
        text, start = text[match.end() :], start + match.end()
    text = text.rstrip(" ,;:.'\"")
    if len(text) < 2 or not any(ch.isupper() for ch in text[:1]):
        return None
    in_doc = start - offset  # where the stripped text starts in the paragraph
    label = relabel(text, label, before=ent.doc.text[max(0, in_doc - 30) : in_doc])
    if label is None:
        return None
    return Entity(text=text, label=label, start=start, end=start + len(text))


_DIGIT = re.compile(r"\d")
_MONTH_TRIGGERS = tuple(m[:4] for m in _MONTHS.split("|"))
_FIGURE_WORD_TRIGGERS = (
    "milli",
    "billion",
    "trillion",
    "thousand",
    "hundred",
    "mille",
    "moitié",
    "tiers",
    "quart",
    "half",
    "third",
    "quarter",
    "twice",
    "double",
    "triple",
)


def _worth_trying(text: str, label: str) -> bool:
    """Cheap literal checks before the (slow) patterns: no digit and no month, no date."""
    if _DIGIT.search(text):
        return True
    lowered = text.lower()
    triggers = _MONTH_TRIGGERS if label == "DATE" else _FIGURE_WORD_TRIGGERS
    return any(t in lowered for t in triggers)


def _by_rule(text: str, base: int, pattern: re.Pattern, label: str, taken=()) -> list[Entity]:
    found = []
    if not _worth_trying(text, label):
        return found
    for match in pattern.finditer(text):
        value = match.group().strip()
        if not value or not any(ch.isdigit() or ch.isalpha() for ch in value):
            continue
        start = base + match.start() + (len(match.group()) - len(match.group().lstrip()))
        end = start + len(value)
        if any(s <= start and end <= e for s, e in taken):
            continue
        found.append(Entity(text=value, label=label, start=start, end=end))
    return found
