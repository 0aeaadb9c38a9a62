"""Markup repeated for every claim of a long list, written in Python rather than in template tags.

A 200-claim article went through the template engine twice per claim (the highlighted text
and the list beside it): about 25 nodes a claim, its URL reversed and its score formatted
twice; most of the page's time. Here each claim is one f-string: its URL is built from one
reversed pattern, its score formatted once per distinct value, and every value escaped with
`escape` below (what Django's own escaping does, without its lazy-string checks per call). The
markup is exactly what the templates wrote (tests/claims/views/test_page_markup.py compares it).
"""

import html
import unicodedata
from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat, truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from claims.templatetags.claims_extras import shade

register = template.Library()

# An id no desk reaches, reversed once and replaced: exactly what reverse() gives for any id, since
# the id converter writes an id as its digits.
_SENTINEL = str(10**18 - 1)


def escape(value) -> str:
    """django.utils.html.escape (which is html.escape of str(value)), for text that is never marked safe."""
    return html.escape(str(value))


def url_maker(name: str, *after):
    """A function pk -> reverse(name, args=[pk, *after]), reversing once."""
    head, tail = reverse(name, args=[_SENTINEL, *after]).split(_SENTINEL)
    return lambda pk: f"{head}{pk}{tail}"


@lru_cache(maxsize=4096)
def _score_text(score: float, language: str | None) -> str:
    return str(floatformat(score, 2))


def score_text(score: float) -> str:
    """`{{ score|floatformat:2 }}` in the active language ("0,73" / "0.73"), formatted once per value."""
    return _score_text(score, get_language())


def truncated(text: str, length: int) -> str:
    """`{{ text|truncatechars:length }}`; a text that fits is only normalised, as Truncator does, without
    its walk over every character."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return truncatechars(text, length)


@register.simple_tag
def highlighted_body(segments) -> SafeString:
    """The article's text with each claim marked and linked (the pieces of views.articles.highlight_segments)."""
    claim_url = url_maker("claims:claim-detail")
    parts = []
    for text, claim in segments:
        if claim is None:
            parts.append(escape(text))
            continue
        score = "" if claim.score is None else f"{score_text(claim.score)} · "
        parts.append(
            f'<mark class="claim {shade(claim.score)}" id="claim-{claim.pk}" data-claim="{claim.pk}" '
            f'title="{score}{escape(claim.get_status_display())}">'
            f'<a href="{claim_url(claim.pk)}">{escape(text)}</a></mark>'
        )
    return mark_safe("".join(parts))  # noqa: S308 -- every value escaped above


@register.simple_tag
def article_claim_items(claims) -> SafeString:
    """The `<li>` of each claim in the list beside an article's text."""
    claim_url = url_maker("claims:claim-detail")
    items = []
    for claim in claims:
        score = "" if claim.score is None else f' <span class="muted">{score_text(claim.score)}</span>'
        claimant = f'<br><span class="muted">— {escape(claim.claimant)}</span>' if claim.claimant else ""
        items.append(
            f'\n      <li><a href="{claim_url(claim.pk)}">{escape(truncated(claim.display_text, 90))}</a>\n'
            f'        <span class="badge status-{escape(claim.status)}">{escape(claim.get_status_display())}</span>'
            f"{score}\n        {claimant}</li>\n    "
        )
    return mark_safe("".join(items))  # noqa: S308 -- every value escaped above
