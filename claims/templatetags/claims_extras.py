import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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
    """"mostly_true" → "Plutôt vrai" / "Mostly true": codes never reach people."""
    from claims.models import Rating

    return _label(Rating, code)


@register.filter
def decision_label(code) -> str:
    from claims.models import ReviewDecision

    return _label(ReviewDecision, code)
