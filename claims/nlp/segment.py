"""Sentences with exact offsets. Paragraph breaks always end a sentence.

No sentence is longer than MAX_PIECE_CHARS: a longer paragraph is cut before spaCy sees it, at
its last sentence end within the limit, else its last comma, semicolon or colon, else its last
space (else anywhere). Without that, a paragraph with no punctuation is one sentence of the
whole paragraph: one "claim" of a megabyte, and spaCy's parser holding memory for all of it
at once (its docs warn of about 1 GB per 100,000 characters). News sentences are far shorter
(the samples' longest paragraph is 562 characters), so their sentences do not change.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from claims.nlp.normalise import normalise

_PARAGRAPH = re.compile(r"[^\n]+")
_MIN_SENTENCE_CHARS = 2
MAX_PIECE_CHARS = 1_000
# Where to cut a piece, best first: after a sentence's end, after a clause's, at a space.
_CUTS = (re.compile(r"[.!?…][\"')\]]*\s"), re.compile(r"[,;:]\s"), re.compile(r"\s"))


@dataclass(frozen=True)
class Paragraph:
    start: int
    text: str  # the normalised working copy of this paragraph


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    span: Span  # in the paragraph's Doc; span offsets + paragraph start = body offsets


def paragraphs(text: str) -> list[Paragraph]:
    """Each non-blank line of the normalised text, with its offset in the original."""
    working = normalise(text)
    return [piece for m in _PARAGRAPH.finditer(working) if m.group().strip() for piece in _pieces(m.start(), m.group())]


def _pieces(start: int, text: str) -> Iterator[Paragraph]:
    """The paragraph in pieces of at most MAX_PIECE_CHARS (one piece, almost always)."""
    while len(text) > MAX_PIECE_CHARS:
        cut = _cut(text[: MAX_PIECE_CHARS + 1])
        rest = text[cut:].lstrip()
        yield Paragraph(start, text[:cut])
        start, text = start + len(text) - len(rest), rest
    if text.strip():
        yield Paragraph(start, text)


def _cut(window: str) -> int:
    """Where to end the piece: the last good boundary in the window's second half."""
    for pattern in _CUTS:
        ends = [m.end() for m in pattern.finditer(window, len(window) // 2)]
        if ends:
            return ends[-1]
    return len(window) - 1


def sentences(nlp: Language, text: str, batch_size: int = 64) -> Iterator[Sentence]:
    """Every sentence of `text`, trimmed, with offsets into `text`, in reading order."""
    paras = paragraphs(text)
    return sentences_of(zip(paras, nlp.pipe((p.text for p in paras), batch_size=batch_size), strict=True))


def parse_many(nlp: Language, texts: list[str], batch_size: int = 64) -> list[list[tuple[Paragraph, Doc]]]:
    """The paragraphs of many texts parsed in one nlp.pipe stream, regrouped per text."""
    per_text = [paragraphs(text) for text in texts]
    docs = nlp.pipe((p.text for paras in per_text for p in paras), batch_size=batch_size)
    return [[(para, next(docs)) for para in paras] for paras in per_text]


def sentences_of(parsed: Iterable[tuple[Paragraph, Doc]]) -> Iterator[Sentence]:
    index = 0
    for para, doc in parsed:
        for span in _trimmed_sentences(doc):
            yield Sentence(index, para.start + span.start_char, para.start + span.end_char, span)
            index += 1


def _trimmed_sentences(doc: Doc) -> Iterable[Span]:
    for sent in doc.sents:
        span = _strip_space_tokens(sent)
        if span is not None and len(span.text.strip()) >= _MIN_SENTENCE_CHARS:
            yield span


def _strip_space_tokens(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end] if end > start else None
