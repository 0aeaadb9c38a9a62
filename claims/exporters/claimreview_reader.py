"""Reading published fact-checks: schema.org ClaimReview JSON-LD, as fact-checkers publish it.

Accepts one ClaimReview, a list of them, an `@graph`, JSON Lines, or the Google Fact Check
Tools export (`{"claims": [{"text", "claimReview": [...]}]}`); ratings are mapped onto our
six-step scale from their name first (the words fact-checkers use, French and English),
then from ratingValue within worstRating..bestRating. No models: returns plain data, and
messages a person reads (translated, and judged by claims/validators.py like every input).

Published files are hostile: any value may have any type. A review that cannot be read is
skipped and listed with its number and reason; only a file that cannot be read at all raises.
"""

import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from claims.validators import JSONTooDeep, json_loads, plain_text, url_problem

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
        raise ClaimReviewError(
            _("The file is not UTF-8 text (byte %(position)s).") % {"position": error.start}
        ) from None
    items = list(_items(_parse(text)))
    if not items:
        raise ClaimReviewError(_("The file holds no ClaimReview."))
    checks, problems = [], []
    for number, item in enumerate(items, 1):
        try:
            if isinstance(item, _Unreadable):
                raise ValueError(item.reason)
            checks.append(_check(item))
        except ValueError as error:
            problems.append(_("review %(number)s: %(problem)s") % {"number": number, "problem": error})
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
    except (TypeError, ValueError, OverflowError):
        return ""
    if not all(map(math.isfinite, (value, best, worst))) or best == worst:
        return ""
    if not min(best, worst) <= value <= max(best, worst):
        return ""
    position = (value - worst) / (best - worst)
    return _SCALE[min(int(position * len(_SCALE)), len(_SCALE) - 1)]


def _parse(text: str):
    text = text.strip()
    try:
        try:
            return json_loads(text)
        except json.JSONDecodeError as whole:
            # JSON Lines end at "\n" only: splitlines() would also cut at U+2028 inside a string.
            lines = [line for line in text.split("\n") if line.strip()]
            if len(lines) < 2:
                raise ClaimReviewError(
                    _("The file is not JSON: %(error)s (line %(line)s).") % {"error": whole.msg, "line": whole.lineno}
                ) from None
            try:
                return [json_loads(line) for line in lines]
            except json.JSONDecodeError:
                raise ClaimReviewError(
                    _("The file is neither JSON nor JSON Lines: %(error)s (line %(line)s).")
                    % {"error": whole.msg, "line": whole.lineno}
                ) from None
    except JSONTooDeep as error:
        raise ClaimReviewError(str(error)) from None


@dataclass(frozen=True)
class _Unreadable:
    """An entry where a review was expected that is not one; `reason` says what was found."""

    reason: str


def _items(node):
    """Every ClaimReview in the document, in order (Google's export converted on the way).

    Nodes of other types (a WebPage in an @graph) are passed over; an entry that stands where
    a review must be (in a list, in Google's claimReview) but is no object is _Unreadable.
    """
    if isinstance(node, list):
        for child in node:
            if isinstance(child, dict | list):
                yield from _items(child)
            else:
                yield _Unreadable(_("expected a ClaimReview object, found %(value)s") % {"value": _shown(child)})
    elif isinstance(node, dict):
        if "@graph" in node:
            yield from _items(node["@graph"])
        elif isinstance(node.get("claims"), list):
            yield from _google_reviews(node["claims"])
        elif _is_claim_review(node):
            yield node


def _google_reviews(claims: list):
    for claim in claims:
        reviews = claim.get("claimReview") if isinstance(claim, dict) else None
        if not isinstance(reviews, list):
            yield _Unreadable(
                _("expected a claim object with a “claimReview” list, found %(value)s") % {"value": _shown(claim)}
            )
            continue
        for review in reviews:
            if isinstance(review, dict):
                yield _from_google(claim, review)
            else:
                yield _Unreadable(_("expected a ClaimReview object, found %(value)s") % {"value": _shown(review)})


def _shown(value) -> str:
    """A short, printable trace of a JSON value for a message."""
    shown = json.dumps(value)  # ASCII: no control character or surrogate reaches the page
    return shown if len(shown) <= 60 else shown[:59] + "…"


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
        raise ValueError(_("no claimReviewed"))
    if len(claim) > 2000:
        raise ValueError(_("claimReviewed is longer than 2,000 characters"))
    url = _text(item.get("url"))
    problem = url_problem(url) if url else _("no url")
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
    return plain_text(value) if isinstance(value, str) else ""


def _name(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else {}
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _date(value) -> date | None:
    """schema.org Date or DateTime ("2024-03-02", "2024-03-02T10:00:00Z") or a month; None otherwise."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    readings = (date.fromisoformat, lambda v: datetime.fromisoformat(v).date(), lambda v: date.fromisoformat(v + "-01"))
    for parse in readings:
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def _language(value) -> str:
    code = _name(value) if isinstance(value, dict) else _text(value)
    code = code.lower()[:2]
    return code if code in ("fr", "en") else "other"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())
