"""Reading published fact-checks: schema.org ClaimReview JSON-LD, as fact-checkers publish it.

Accepts one ClaimReview, a list of them, an `@graph`, JSON Lines, or the Google Fact Check
Tools export (`{"claims": [{"text", "claimReview": [...]}]}`); ratings are mapped onto our
six-step scale from their name first (the words fact-checkers use, French and English),
then from ratingValue within worstRating..bestRating. Django-free: returns plain data.
"""

import json
import unicodedata
from dataclasses import dataclass
from datetime import date

from claims.validators import url_problem

# Rating names seen on French and English fact-checks, accents and case folded.
_RATING_WORDS = {
    "false": [
        "faux",
        "fausse",
        "false",
        "pants on fire",
        "fake",
        "incorrect",
        "wrong",
        "intox",
        "infonde",
        "inexact",
        "scam",
        "hoax",
        "fabricated",
        "canular",
    ],
    "mostly_false": ["plutot faux", "mostly false", "largely false", "partly false", "partiellement faux"],
    "misleading": [
        "trompeur",
        "trompeuse",
        "misleading",
        "missing context",
        "manque de contexte",
        "hors contexte",
        "out of context",
        "mixture",
        "half true",
        "a moitie vrai",
        "exagere",
        "exaggerated",
        "mixed",
        "trompe",
    ],
    "mostly_true": ["plutot vrai", "mostly true", "largely true", "largely accurate", "partly true"],
    "true": ["vrai", "true", "correct", "accurate", "exact", "confirme"],
    "unverifiable": [
        "inverifiable",
        "unverifiable",
        "unproven",
        "unverified",
        "non prouve",
        "non verifiable",
        "research in progress",
    ],
}
_WORD_TO_RATING = {word: rating for rating, words in _RATING_WORDS.items() for word in words}
_SCALE = ["false", "mostly_false", "misleading", "mostly_true", "true"]


class ClaimReviewError(ValueError):
    """The file as a whole cannot be read; the message says what to fix."""


@dataclass
class PublishedCheck:
    claim_reviewed: str
    url: str
    publisher: str
    headline: str
    claimant: str
    rating_text: str
    rating: str  # one of our Rating values, or "" when the published rating is not understood
    date_published: date | None
    language: str


def read(data: bytes) -> tuple[list[PublishedCheck], list[str]]:
    """(fact-checks, problems): every review that could be read, and why each other one could not."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ClaimReviewError(f"The file is not UTF-8 text (byte {error.start}).") from None
    items = list(_items(_parse(text)))
    if not items:
        raise ClaimReviewError("The file holds no ClaimReview.")
    checks, problems = [], []
    for number, item in enumerate(items, 1):
        try:
            checks.append(_check(item))
        except ValueError as error:
            problems.append(f"review {number}: {error}")
    return checks, problems


def rating_for(name: str, value=None, best=None, worst=None) -> str:
    """Our rating for a published one: its name if we know the words, else its place on its scale."""
    folded = _fold(name)
    if folded in _WORD_TO_RATING:
        return _WORD_TO_RATING[folded]
    for word in sorted(_WORD_TO_RATING, key=len, reverse=True):  # "plutot faux" before "faux"
        if word in folded.split(" ") or (" " in word and word in folded):
            return _WORD_TO_RATING[word]
    try:
        value, best, worst = (
            float(value),
            float(best if best is not None else 5),
            float(worst if worst is not None else 1),
        )
    except (TypeError, ValueError):
        return ""
    if best == worst or not min(best, worst) <= value <= max(best, worst):
        return ""
    position = (value - worst) / (best - worst)
    return _SCALE[min(int(position * len(_SCALE)), len(_SCALE) - 1)]


def _parse(text: str):
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError as whole:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise ClaimReviewError(f"The file is not JSON: {whole.msg} (line {whole.lineno}).") from None
        try:
            return [json.loads(line) for line in lines]
        except json.JSONDecodeError:
            raise ClaimReviewError(
                f"The file is neither JSON nor JSON Lines: {whole.msg} (line {whole.lineno})."
            ) from None


def _items(node):
    """Every ClaimReview in the document, in order (Google's export converted on the way)."""
    if isinstance(node, list):
        for child in node:
            yield from _items(child)
    elif isinstance(node, dict):
        if "@graph" in node:
            yield from _items(node["@graph"])
        elif isinstance(node.get("claims"), list):
            for claim in node["claims"]:
                for review in (claim or {}).get("claimReview") or []:
                    yield _from_google(claim, review)
        elif _is_claim_review(node):
            yield node


def _is_claim_review(node: dict) -> bool:
    kind = node.get("@type")
    return kind == "ClaimReview" or (isinstance(kind, list) and "ClaimReview" in kind)


def _from_google(claim: dict, review: dict) -> dict:
    return {
        "@type": "ClaimReview",
        "claimReviewed": claim.get("text", ""),
        "url": review.get("url", ""),
        "headline": review.get("title", ""),
        "author": review.get("publisher") or {},
        "reviewRating": {"alternateName": review.get("textualRating", "")},
        "datePublished": review.get("reviewDate", ""),
        "inLanguage": review.get("languageCode", ""),
        "itemReviewed": {"author": {"name": claim.get("claimant", "")}},
    }


def _check(item: dict) -> PublishedCheck:
    claim = _text(item.get("claimReviewed"))
    if not claim:
        raise ValueError("no claimReviewed")
    if len(claim) > 2000:
        raise ValueError("claimReviewed is longer than 2,000 characters")
    url = _text(item.get("url"))
    problem = url_problem(url)
    if problem:
        raise ValueError(problem)
    rating = item.get("reviewRating") or {}
    if not isinstance(rating, dict):
        rating = {}
    rating_text = _text(rating.get("alternateName") or rating.get("name"))
    reviewed = item.get("itemReviewed") if isinstance(item.get("itemReviewed"), dict) else {}
    return PublishedCheck(
        claim_reviewed=claim,
        url=url,
        publisher=_name(item.get("author"))[:300],
        headline=_text(item.get("headline") or item.get("name") or item.get("description"))[:500],
        claimant=_name(reviewed.get("author"))[:300],
        rating_text=rating_text[:200],
        rating=rating_for(rating_text, rating.get("ratingValue"), rating.get("bestRating"), rating.get("worstRating")),
        date_published=_date(item.get("datePublished")),
        language=_language(item.get("inLanguage")),
    )


def _text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _name(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else {}
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _date(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        try:
            return date.fromisoformat(value[:7] + "-01")
        except ValueError:
            return None


def _language(value) -> str:
    code = _name(value) if isinstance(value, dict) else _text(value)
    code = code.lower()[:2]
    return code if code in ("fr", "en") else "other"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())
