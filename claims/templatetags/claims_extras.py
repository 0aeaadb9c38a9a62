from django import template

register = template.Library()


@register.filter
def shade(score) -> str:
    """A CSS class from 0 to 9 for a score from 0 to 1 (classes, not inline styles, for the CSP)."""
    if score is None:
        return "shade-9"
    return f"shade-{min(9, max(0, int(float(score) * 10)))}"


@register.filter
def percent_bucket(value) -> int:
    """Round a percentage down to a multiple of 5, for the progress bar's width class."""
    return max(0, min(100, int(value) // 5 * 5))
