"""Markup repeated for every claim of a long list, written in Python rather than in template tags.

A 200-claim article went through the template engine twice per claim (the highlighted text
and the list beside it): about 25 nodes a claim, its URL reversed and its score formatted
twice; most of the page's time. Here each claim is one f-string: its URL is built from one
reversed pattern, its score formatted once per distinct value, and every value escaped with
`escape` below (what Django's own escaping does, without its lazy-string checks per call). The
markup is exactly what the templates wrote (tests/claims/views/test_page_markup.py compares it).
"""

import html
import sys
import unicodedata
from functools import lru_cache

from django import forms, template
from django.template.defaultfilters import floatformat, truncatechars
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import add_truncation_text, calculate_truncate_chars_length
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

from claims.people import display_name
from claims.templatetags.claims_extras import http_href, reason_texts, shade

register = template.Library()

# An id no desk reaches, reversed once and replaced: exactly what reverse() gives for any id, since
# the id converter writes an id as its digits.
_SENTINEL = str(10**18 - 1)


def escape(value) -> str:
    """django.utils.html.escape (which is html.escape of str(value)), for text that is never marked safe."""
    return html.escape(str(value))


def url_maker(name: str, *after):
    """A function pk -> reverse(name, args=[pk, *after]) escaped for HTML (as `{{ url }}` is), reversing once."""
    head, tail = (escape(part) for part in reverse(name, args=[_SENTINEL, *after]).split(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


@lru_cache(maxsize=4096)
def _score_text(score: float, language: str | None) -> str:
    return str(floatformat(score, 2))


def score_text(score: float) -> str:
    """`{{ score|floatformat:2 }}` in the active language ("0,73" / "0.73"), formatted once per value."""
    return _score_text(score, get_language())


@lru_cache(maxsize=4096)
def _date_text(value, language: str | None) -> str:
    return localize(value)


def date_text(value) -> str:
    """`{{ date }}` (a due date) in the active language, formatted once per value: due dates repeat."""
    return _date_text(value, get_language())


def truncated(text: str, length: int) -> str:
    """`{{ text|truncatechars:length }}`, the same string without Truncator's walk over every character
    (50 µs for a 120-character cut, a list page makes 100) unless a combining mark, which it does not
    count, is among the characters it would read."""
    text = unicodedata.normalize("NFC", text)
    if len(text) <= length:
        return text
    if length <= 0 or not _combining_marks().isdisjoint(text[: length + 1]):
        return truncatechars(text, length)
    return add_truncation_text(text[: calculate_truncate_chars_length(length, None)])


@lru_cache(maxsize=1)
def _combining_marks() -> frozenset[str]:
    """This Python's combining characters (912 in Unicode 15), found once per process (0.13 s)."""
    return frozenset(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c)))


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


@register.simple_tag(takes_context=True)
def triage_row(context, claim) -> SafeString:
    """One claim's row in triage: to decide (keep, dismiss, select) or `done` (its status, and undo
    while that is possible). The list's rows and the row htmx swaps in after a decision."""
    done, list_query = context.get("done"), context.get("list_query")
    urls = context.render_context.get("triage_row_urls")
    if urls is None:  # once per page, not per row
        request = context.get("request")
        urls = context.render_context["triage_row_urls"] = {
            "claim": url_maker("claims:claim-detail"),
            "article": url_maker("claims:article-detail"),
            **{action: url_maker("claims:claim-transition", action) for action in TRIAGE_ROW_ACTIONS},
            "next": escape(request.get_full_path()) if request is not None else "",
        }
    pk = claim.pk
    query = f"&amp;{escape(list_query)}" if list_query else ""
    return mark_safe(  # noqa: S308 -- every value escaped
        f'<tr data-triage-row id="triage-{pk}" class="{"done" if done else ""}"{" data-done" if done else ""}>\n'
        f"  <td>{'' if done else _select_box(pk)}</td>\n"
        f'  <td><a href="{urls["claim"](pk)}?from=triage{query}">{escape(claim.display_text)}</a>'
        f"{_reasons(claim)}\n    {_checked_before(claim)}</td>\n"
        f'  <td class="num">{"" if claim.score is None else score_text(claim.score)}</td>\n'
        f"  <td>{escape(claim.claimant)}</td>\n"
        f'  <td><a href="{urls["article"](claim.article_id)}#claim-{pk}">'
        f"{escape(truncated(str(claim.article), 40))}</a></td>\n"
        f'  <td class="actions">{_decided(claim, urls) if done else _decide(claim, urls)}</td>\n'
        f"</tr>\n"
    )


TRIAGE_ROW_ACTIONS = ("keep", "dismiss", "unkeep", "undismiss")


def _select_box(pk) -> str:
    label = escape(gettext("Select"))
    return f'<input type="checkbox" name="claims" value="{pk}" form="bulk-form" aria-label="{label}">'


def _reasons(claim) -> str:
    if not claim.reasons:
        return ""
    return f'<br><span class="muted">{" · ".join(escape(text) for text in reason_texts(claim.reasons)[:3])}</span>'


def _checked_before(claim) -> str:
    """The best open match ("checked before?"), when the row's claim has its matches prefetched."""
    matches = getattr(claim, "open_matches", None)
    match = matches[0] if matches else None
    if not match:
        return ""
    if match.earlier_claim_id:
        target = (
            f'<a href="{escape(match.earlier_claim.get_absolute_url())}">'
            f"{escape(gettext('claim'))} {match.earlier_claim_id}</a>"
        )
    else:
        publisher = match.fact_check.publisher or gettext("published fact-check")
        target = (
            f'<a href="{escape(http_href(match.fact_check.url))}" rel="noopener noreferrer" target="_blank">'
            f"{escape(publisher)}</a>"
        )
    if match.earlier_rating:
        rating = (
            f'<span class="badge rating-{escape(match.earlier_rating)}">{escape(match.get_earlier_rating_display())}'
            "</span>"
        )
    elif match.fact_check and match.fact_check.rating_text:
        rating = f'<span class="badge">{escape(match.fact_check.rating_text)}</span>'
    else:
        rating = ""
    score = "" if match.score is None else f" · {score_text(match.score)}"
    return (
        f'<br><span class="checked-before" data-checked-before>{escape(gettext("Checked before:"))}\n'
        f"      {target}\n      {rating}\n"
        f'      <span class="muted">{escape(match.get_status_display())}{score}</span></span>'
    )


def _button(claim, urls, action: str, data_action: str, label: str) -> str:
    url = urls[action](claim.pk)
    return (
        f'<button type="submit" class="secondary" data-action="{data_action}" formaction="{url}" name="next" '
        f'value="{urls["next"]}"\n'
        f'      hx-post="{url}" hx-target="#triage-{claim.pk}" hx-swap="outerHTML">{escape(label)}</button>'
    )


def _decide(claim, urls) -> str:
    return (
        f"\n    {_button(claim, urls, 'keep', 'keep', gettext('Keep'))}"
        f"\n    {_button(claim, urls, 'dismiss', 'dismiss', gettext('Dismiss'))}\n  "
    )


def _decided(claim, urls) -> str:
    badge = f'<span class="badge status-{escape(claim.status)}">{escape(claim.get_status_display())}</span>\n    '
    if claim.status not in ("to_check", "dismissed"):
        return badge
    undo = "unkeep" if claim.status == "to_check" else "undismiss"
    return f"{badge}\n    {_button(claim, urls, undo, 'undo', gettext('Undo'))}\n    "


@register.simple_tag
def claim_table_rows(claims) -> SafeString:
    """The rows of includes/claim_table.html (queues, reviews): claim, status, due date, article."""
    claim_url, article_url = url_maker("claims:claim-detail"), url_maker("claims:article-detail")
    rows = []
    for claim in claims:
        due = "" if claim.due_date is None else escape(date_text(claim.due_date))
        rows.append(
            f'\n    <tr><td><a href="{claim_url(claim.pk)}">{escape(truncated(claim.display_text, 120))}</a></td>\n'
            f'      <td><span class="badge status-{escape(claim.status)}">{escape(claim.get_status_display())}</span>'
            f"</td>\n"
            f'      <td class="{"overdue" if claim.is_overdue else ""}">{due}</td>\n'
            f'      <td><a href="{article_url(claim.article_id)}">{escape(truncated(str(claim.article), 40))}</a>'
            f"</td></tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 -- every value escaped


def _list_items(items, empty: str) -> SafeString:
    if not items:
        return mark_safe(f'<li class="muted">{escape(empty)}</li>')  # noqa: S308 -- escaped
    return mark_safe("".join(items))  # noqa: S308 -- every value escaped by the callers


@register.simple_tag
def dashboard_queue_items(claims) -> SafeString:
    """The dashboard's "My queue": claim, status, due date."""
    claim_url, items = url_maker("claims:claim-detail"), []
    for claim in claims:
        due = ""
        if claim.due_date:
            due = f' <span class="{"overdue" if claim.is_overdue else ""}">{escape(date_text(claim.due_date))}</span>'
        items.append(
            f'<li><a href="{claim_url(claim.pk)}">{escape(truncated(claim.display_text, 80))}</a> '
            f'<span class="badge status-{escape(claim.status)}">{escape(claim.get_status_display())}</span>{due}</li>'
        )
    return _list_items(items, gettext("Nothing assigned to you."))


@register.simple_tag
def dashboard_overdue_items(claims) -> SafeString:
    """The dashboard's overdue claims: claim, due date, checker."""
    claim_url, items = url_maker("claims:claim-detail"), []
    for claim in claims:
        items.append(
            f'<li><a href="{claim_url(claim.pk)}">{escape(truncated(claim.display_text, 70))}</a> '
            f'<span class="overdue">{escape(date_text(claim.due_date))}</span> '
            f"{escape(display_name(claim.assignee))}</li>"
        )
    return _list_items(items, gettext("Nothing overdue."))


@register.simple_tag
def dashboard_recent_items(events) -> SafeString:
    """The dashboard's recent activity: when, who, what, on which claim."""
    claim_url, items = url_maker("claims:claim-detail"), []
    for event in events:
        when = date_format(template_localtime(event.created_at), "SHORT_DATETIME_FORMAT")
        who = display_name(event.actor) or gettext("system")
        items.append(
            f"<li>{escape(when)} · {escape(who)} · {escape(event.get_kind_display())} · "
            f'<a href="{claim_url(event.claim_id)}">{escape(truncated(event.claim.display_text, 50))}</a></li>'
        )
    return _list_items(items, gettext("No activity yet."))


# The filter form's fields as rendered, by what they are a function of: the form, the language, the
# query string and the choices (the desk's tags change; the others are fixed in the code), so an entry
# never goes stale; the form's seventeen widget templates (a select renders one template per option)
# are the cost spared.
_FILTER_FIELDS: dict = {}
_FILTER_FIELDS_MAX = 512


@register.simple_tag
def claim_filter_fields(form) -> SafeString:
    """includes/claim_filter_fields.html for `form` (a ClaimFilterForm), rendered once per distinct query."""
    data = None
    if form.is_bound:  # a QueryDict from the address; a dict from code
        values = form.data.getlist if hasattr(form.data, "getlist") else lambda k: [form.data[k]]
        data = tuple(sorted((k, tuple(map(str, values(k)))) for k in form.data))
    choices = tuple(
        tuple(field.choices)
        for field in form.fields.values()
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField)
    )
    key = (type(form), tuple(form.fields), form.prefix, form.auto_id, get_language(), data, choices)
    html = _FILTER_FIELDS.get(key)
    if html is None:
        if len(_FILTER_FIELDS) >= _FILTER_FIELDS_MAX:
            _FILTER_FIELDS.clear()
        html = render_to_string("claims/includes/claim_filter_fields.html", {"filter_form": form})
        _FILTER_FIELDS[key] = html = mark_safe(html.removesuffix("\n"))  # noqa: S308 -- rendered by a template
    return html
