"""What the desk accepts as input, judged the same way at every door.

Web forms, the API, uploads, bulk files, commands and the library import all call these
functions, so a value one door refuses is refused by every other, with the same message.
Each check returns the reason a person reads ("" when the value is fine); the Django
validators below raise it as a ValidationError for forms, serializers and the admin.

- Links: http or https only, and no longer than the URL columns (URL_MAX_LENGTH).
- Text: no control characters (binary data) and no lone surrogates (code points that
  cannot be written as UTF-8, so no database can store them).
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The max_length of every URL column (Article.url, Evidence.url, FactCheck.url).
URL_MAX_LENGTH = 1000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


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
        return _(
            "“%(field)s” contains control characters, as binary files do. Send it as plain text."
        ) % {"field": field}
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return _(
            "“%(field)s” contains U+%(code)04X, which is not a character (a lone surrogate, often left by a "
            "broken conversion). Fix the text's encoding and send it again."
        ) % {"field": field, "code": ord(surrogate.group())}
    return ""


def _shortened(value: str, length: int = 80) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"
