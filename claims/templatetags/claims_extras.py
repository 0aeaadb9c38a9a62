import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from claims.people import display_name

register = template.Library()

# As Django's json_script: inside <script>, "<!--", "<script" or "</script" in a string would
# change how the browser's HTML parser reads the element, so <, > and & are written as JSON escapes.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld_script(data) -> SafeString:
    """The one way JSON-LD is embedded in a page: a script element no text can break out of."""
    escaped = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(escaped))  # noqa: S308 -- escaped above


@register.filter
def person(user) -> str:
    """{{ claim.assignee|person }}: the full name, else the username."""
    return display_name(user)


@register.filter
def shade(score) -> str:
    """A CSS class from 0 to 9 for a score from 0 to 1 (classes, not inline styles, for the CSP)."""
    if score is None:  # added by a person: no score
        return "shade-none"
    return f"shade-{min(9, max(0, int(float(score) * 10)))}"


@register.filter
def percent_bucket(value) -> int:
    """Round a percentage down to a multiple of 5, for the progress bar's width class."""
    return max(0, min(100, int(value) // 5 * 5))


@register.filter
def multiply(value, factor) -> int:
    return int(value) * int(factor)


@register.filter
def bar_width(count, maximum) -> int:
    """Pixels for a bar in the dashboard chart (at most 260)."""
    return round(260 * int(count) / max(1, int(maximum)))


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{round(float(value) * 100)} %"


@register.filter
def claim_types(codes) -> str:
    from claims.models import ClaimType

    return ", ".join(_label(ClaimType, code) for code in codes or [])


@register.filter
def status_label(code) -> str:
    from claims.models import ClaimStatus

    try:
        return str(ClaimStatus(code).label)
    except ValueError:
        return code or "—"


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code or "—"


@register.filter
def rating_label(code) -> str:
    """ "mostly_true" → "Plutôt vrai" / "Mostly true": codes never reach people."""
    from claims.models import Rating

    return _label(Rating, code)


@register.filter
def saved_list_label(code) -> str:
    from claims.models import SavedList

    return _label(SavedList, code)


@register.filter
def decision_label(code) -> str:
    from claims.models import ReviewDecision

    return _label(ReviewDecision, code)


@register.filter
def http_href(url) -> str:
    """A stored link for an href: kept only if it is an http(s) link (rows saved before the
    validator existed may hold javascript: or data: addresses); "#" otherwise."""
    from claims.validators import url_problem

    return url if url and not url_problem(str(url)) else "#"


# Reasons are stored as codes with parameters (claims/nlp/reasons.py); each pair is the
# message with its parameter and the one without, for a reason whose detail was empty.
_REASONS = {
    "model": (None, _("reads like the claims fact-checkers check")),
    "figure": (_("contains a figure (%(items)s)"), _("contains a figure")),
    "date": (_("dated (%(items)s)"), _("dated")),
    "person": (_("names a person (%(names)s)"), _("names a person")),
    "organisation": (_("names an organisation (%(names)s)"), _("names an organisation")),
    "place": (_("names a place (%(names)s)"), _("names a place")),
    "reported": (_("reports what someone said (%(who)s)"), _("reports what someone said")),
    "quote": (None, _("contains a quote")),
    "comparison": (None, _("makes a comparison or describes a change")),
    "prediction": (None, _("makes a prediction")),
    "causal": (None, _("claims a cause or an effect")),
    "event": (None, _("reports something that happened")),
    "lede": (None, _("opens the text")),
    "central": (None, _("closer than the rest to what the text is about")),
    "repeated": (None, _("repeated in the text")),
}


def reason_text(reason) -> str:
    """One stored reason in the active language; a reason stored as text before codes is shown as it is."""
    if isinstance(reason, str):
        return reason
    if not isinstance(reason, dict):
        return ""
    code, params = reason.get("code", ""), reason.get("params") or {}
    with_params, plain = _REASONS.get(code, (None, None))
    if with_params is not None and params:
        try:
            return str(with_params) % {key: str(value) for key, value in params.items()}
        except KeyError:
            pass
    return str(plain) if plain is not None else str(code)


@register.filter
def reason_texts(reasons) -> list[str]:
    """A claim's reasons, each in the active language (`{{ claim.reasons|reason_texts|join:"; " }}`)."""
    return [text for text in (reason_text(r) for r in reasons or []) if text]
