"""From text to claims: the one entry point the rest of the project calls."""

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from claims.nlp import models, scorer
from claims.nlp.attribute import claimant
from claims.nlp.cues import REASON_TEXT, add_context, cues, reason_phrases
from claims.nlp.entities import entities
from claims.nlp.normalise import normalise
from claims.nlp.segment import Sentence, parse_many, sentences, sentences_of
from claims.nlp.types import Entity, ExtractedClaim, Extraction

__all__ = ["Entity", "ExtractedClaim", "Extraction", "extract", "extract_many"]

ProgressCallback = Callable[[int, int], None]
OUTLET_FALLBACK = {"fr": "le média", "en": "the outlet"}


def extract(
    text: str, language: str, *, outlet: str = "", progress: ProgressCallback | None = None, keep_all: bool = False
) -> Extraction:
    """The check-worthy sentences of `text` as claims, offsets into `text`.

    `keep_all` returns every sentence with its score (for ranking and evaluation).
    """
    return _extract_sentences(
        text,
        language,
        list(sentences(models.load(language), text)),
        outlet=outlet,
        progress=progress,
        keep_all=keep_all,
    )


def _extract_sentences(
    text: str, language: str, found: list[Sentence], *, outlet: str, progress, keep_all: bool
) -> Extraction:
    rank = scorer.for_language(language)
    default_claimant = outlet or OUTLET_FALLBACK.get(language, "the outlet")
    candidates = [_candidate(text, s, language, default_claimant) for s in found]
    add_context([f for _, f in candidates], [c.text for c, _ in candidates])
    scores = rank.score([c.text for c, _ in candidates], [f for _, f in candidates])
    model_reason = (
        [REASON_TEXT["fr" if language == "fr" else "en"]["model"]] if isinstance(rank, scorer.ModelScorer) else []
    )
    claims = []
    for done, ((claim, found_cues), score) in enumerate(zip(candidates, scores, strict=True), start=1):
        claim.score = round(float(score), 4)
        extra = model_reason if score >= rank.threshold else []
        claim.reasons = reason_phrases(found_cues, rank.weights, language, extra=extra)
        if keep_all or score >= rank.threshold:
            claims.append(claim)
        if progress is not None and (done % 25 == 0 or done == len(candidates)):
            progress(done, len(candidates))
    if progress is not None and not candidates:
        progress(0, 0)
    return Extraction(
        language=language,
        sentences=len(found),
        claims=claims,
        scorer_version=f"{rank.version}+{models.describe(language)}",
        limited_support=models.model_name(language) is None and language not in ("en",),
    )


def extract_many(
    items: Iterable[tuple[object, str]], language: str, *, outlet: str = "", keep_all: bool = False, chunk: int = 64
) -> Iterator[tuple[object, Extraction]]:
    """(id, text) pairs → (id, Extraction): the paragraphs of `chunk` texts go through one nlp.pipe stream."""
    nlp = models.load(language)
    for batch in _batched(items, chunk):
        texts = [text for _id, text in batch]
        for (item_id, text), parsed in zip(batch, parse_many(nlp, texts), strict=True):
            found = list(sentences_of(parsed))
            yield item_id, _extract_sentences(text, language, found, outlet=outlet, progress=None, keep_all=keep_all)


def _candidate(text: str, sentence: Sentence, language: str, default_claimant: str):
    span = sentence.span
    offset = sentence.start - span.start_char
    # The working copy has the same length as the original: slice the original at the same
    # offsets so that entities and claimants keep the article's own characters.
    ents = [replace(e, text=text[e.start : e.end]) for e in entities(span, offset)]
    original = text[sentence.start : sentence.end]
    who = _in_original(claimant(span, language), span.text, original)
    found = cues(span, original, ents, who)
    claim = ExtractedClaim(
        text=original,
        start=sentence.start,
        end=sentence.end,
        sentence_index=sentence.index,
        score=0.0,
        types=found.types(),
        claimant=who or default_claimant,
        entities=ents,
    )
    return claim, found


def _in_original(found: str, working: str, original: str) -> str:
    index = working.find(found) if found else -1
    return original[index : index + len(found)] if index >= 0 else found


def score_texts(texts: list[str], language: str, batch_size: int = 256) -> tuple[list[float], float]:
    """Each text scored as one sentence; returns (scores, the shipped threshold)."""
    rank = scorer.for_language(language)
    if isinstance(rank, scorer.ModelScorer):
        return [round(float(s), 4) for s in rank.score(texts, [])], rank.threshold
    nlp = models.load(language)
    found = []
    for doc in nlp.pipe((normalise(t) for t in texts), batch_size=batch_size):
        span = doc[:]
        found.append(cues(span, span.text, entities(span, 0), claimant(span, language)))
    return [round(float(s), 4) for s in rank.score(texts, found)], rank.threshold


def _batched(items: Iterable, size: int) -> Iterator[list]:
    """itertools.batched, which Python 3.11 lacks."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
