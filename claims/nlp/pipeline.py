"""From text to claims: the one entry point the rest of the project calls."""

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from claims.nlp import models, scorer
from claims.nlp.attribute import claimant
from claims.nlp.cues import add_context, cues
from claims.nlp.entities import entities
from claims.nlp.entity_rules import harmonise
from claims.nlp.normalise import normalise
from claims.nlp.reasons import reasons
from claims.nlp.segment import Sentence, parse_many, sentences, sentences_of
from claims.nlp.types import Entity, ExtractedClaim, Extraction

__all__ = ["Entity", "ExtractedClaim", "Extraction", "extract", "extract_many"]

ProgressCallback = Callable[[int, int], None]
OUTLET_FALLBACK = {"fr": "le média", "en": "the outlet"}
SCORE_CHUNK = 50  # a multiple of the progress writer's 25


def extract(
    text: str,
    language: str,
    *,
    outlet: str = "",
    progress: ProgressCallback | None = None,
    keep_all: bool = False,
    threshold: float | None = None,
) -> Extraction:
    """The check-worthy sentences of `text` as claims, offsets into `text`.

    `keep_all` returns every sentence with its score (for ranking and evaluation);
    `threshold` replaces the scorer's own (an editor's choice for one article).
    """
    return _extract_sentences(
        text,
        language,
        list(sentences(models.load(language), text)),
        outlet=outlet,
        progress=progress,
        keep_all=keep_all,
        threshold=threshold,
    )


def _extract_sentences(
    text: str,
    language: str,
    found: list[Sentence],
    *,
    outlet: str,
    progress,
    keep_all: bool,
    threshold: float | None = None,
) -> Extraction:
    rank = scorer.for_language(language)
    threshold = rank.threshold if threshold is None else threshold
    default_claimant = outlet or OUTLET_FALLBACK.get(language, "the outlet")
    candidates = _candidates(text, found, language, default_claimant)
    add_context([f for _, f in candidates], [c.text for c, _ in candidates])
    texts, found_cues = [c.text for c, _ in candidates], [f for _, f in candidates]
    scores, parts = [], []
    for start in range(0, len(candidates), SCORE_CHUNK):  # the encoder is the slow part: report as it goes
        chunk_scores, chunk_parts = rank.explain(
            texts[start : start + SCORE_CHUNK], found_cues[start : start + SCORE_CHUNK]
        )
        scores += chunk_scores
        parts += chunk_parts
        if progress is not None:
            progress(len(scores), len(candidates))
    if progress is not None and not candidates:
        progress(0, 0)
    claims = []
    for (claim, _found), score, reason in zip(candidates, scores, reasons(parts, found_cues), strict=True):
        claim.score = round(float(score), 4)
        claim.reasons = reason
        if keep_all or score >= threshold:
            claims.append(claim)
    return Extraction(
        language=language,
        sentences=len(found),
        claims=claims,
        scorer_version=f"{rank.version}+{models.describe(language)}",
        limited_support=models.model_name(language) is None and language not in ("en",),
        threshold=float(threshold),
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


def _candidates(text: str, found: list[Sentence], language: str, default_claimant: str):
    """Each sentence as a claim with its cues; entity labels made consistent across the text first."""
    per_sentence = harmonise([_entities(text, s) for s in found])
    return [_candidate(text, s, ents, language, default_claimant) for s, ents in zip(found, per_sentence, strict=True)]


def _entities(text: str, sentence: Sentence) -> list[Entity]:
    # The working copy has the same length as the original: slice the original at the same
    # offsets so that entities and claimants keep the article's own characters.
    offset = sentence.start - sentence.span.start_char
    return [replace(e, text=text[e.start : e.end]) for e in entities(sentence.span, offset)]


def _candidate(text: str, sentence: Sentence, ents: list[Entity], language: str, default_claimant: str):
    span = sentence.span
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
    if isinstance(rank, scorer.ModelScorer):  # n-grams alone need no parse
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
