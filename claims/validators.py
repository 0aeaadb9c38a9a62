"""What the desk accepts as input, judged the same way at every door.

Web forms, the API, uploads, bulk files, commands and the library import all call these
functions, so a value one door refuses is refused by every other, with the same message.
Each check returns the reason a person reads ("" when the value is fine); the Django
validators below raise it as a ValidationError for forms, serializers and the admin.

- Links: http or https only, and no longer than the URL columns (URL_MAX_LENGTH).
- Text: no control characters (binary data) and no lone surrogates (code points that
  cannot be written as UTF-8, so no database can store them).
- Searches from a query string: those characters become spaces before any query
  (PostgreSQL refuses NUL in a string; SQLite does not, so only PostgreSQL answered 500).
- JSON: at most MAX_JSON_DEPTH levels deep. Python's parser recurses once per level (and
  raises RecursionError near 1,000), and so does code that walks the result.
"""

import json
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The max_length of every URL column (Article.url, Evidence.url, FactCheck.url).
URL_MAX_LENGTH = 1000

SEARCH_MAX_LENGTH = 200
# ClaimReview JSON-LD nests about 6 levels, an article 1: 64 refuses only what no one writes.
MAX_JSON_DEPTH = 64

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NOT_PLAIN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def url_problem(value: str) -> str:
    """Why `value` cannot be stored and shown as a link ("" when it can)."""
    if not isinstance(value, str):
        return _("A URL must be text.")
    if len(value) > URL_MAX_LENGTH:
        return _("The URL is %(length)s characters long; the limit is %(limit)s. Give the page's shorter address.") % {
            "length": f"{len(value):,}",
            "limit": f"{URL_MAX_LENGTH:,}",
        }
    if _CONTROL.search(value) or _SURROGATE.search(value):
        return _("The URL contains characters that are not allowed in an address.")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # a malformed [IPv6] host
        parts, host = None, None
    if parts is not None and parts.scheme.lower() not in ("http", "https"):
        return _("Only http and https addresses are accepted, not “%(url)s”.") % {"url": _shortened(value)}
    # Any host will do (an intranet's "http://archives/" too); a link needs one, and no spaces.
    if not host or any(character.isspace() for character in value):
        return _("“%(url)s” is not a valid web address.") % {"url": _shortened(value)}
    return ""


def validate_http_url(value: str) -> None:
    """The Django validator for every URL field (forms, serializers, models): see `url_problem`."""
    problem = url_problem(value) if value else ""
    if problem:
        raise ValidationError(problem, code="url")


def text_problem(value: str, *, field: str) -> str:
    """Why `value` cannot be stored as the text of `field` ("" when it can)."""
    if _CONTROL.search(value):
        return _("“%(field)s” contains control characters, as binary files do. Send it as plain text.") % {
            "field": field
        }
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return _(
            "“%(field)s” contains U+%(code)04X, which is not a character (a lone surrogate, often left by a "
            "broken conversion). Fix the text's encoding and send it again."
        ) % {"field": field, "code": ord(surrogate.group())}
    return ""


def plain_text(value: str) -> str:
    """`value` on one line: control characters and lone surrogates become spaces, runs of space one."""
    return " ".join(_NOT_PLAIN.sub(" ", value).split())


def query_text(value) -> str:
    """A search from a query string (?q=…), safe to send to any database; "" for nothing usable."""
    return plain_text(value)[:SEARCH_MAX_LENGTH] if isinstance(value, str) else ""


class JSONTooDeep(ValueError):
    """A JSON document nested deeper than the desk reads; the message says so."""


def json_loads(text: str, *, max_depth: int = MAX_JSON_DEPTH, **options):
    """`json.loads(text, **options)`, refusing with JSONTooDeep a document deeper than `max_depth`.

    json.JSONDecodeError passes through, for the caller to report with its line.
    """
    try:
        value = json.loads(text, **options)
    except RecursionError:
        value, too_deep = None, True
    else:
        too_deep = _deeper_than(value, max_depth)
    if too_deep:
        raise JSONTooDeep(
            _("The JSON is nested more than %(limit)s levels deep; nothing the desk reads needs that many.")
            % {"limit": max_depth}
        )
    return value


def _deeper_than(value, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels (counted without recursing)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _shortened(value: str, length: int = 80) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"
