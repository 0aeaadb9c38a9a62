"""The bodies the API reads: JSON within the desk's limits (400 beyond them, never a 500), or forms."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils.json import strict_constant

from claims.validators import JSONTooDeep, json_loads


def json_body_limit() -> int:
    """The largest JSON body read: an article at its size limit, escaped as JSON (\\uXXXX), fits."""
    return 4 * settings.FACTCHECK_MAX_ARTICLE_BYTES


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with a size and a depth limit (claims.validators.json_loads)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = json_body_limit()
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise ParseError(
                _("The JSON body is larger than %(limit)s bytes. Send smaller articles.") % {"limit": f"{limit:,}"}
            )
        encoding = get_encoding(parser_context or {})  # text encodings only, as DRF's own parser
        try:
            return json_loads(raw.decode(encoding), parse_constant=strict_constant if self.strict else None)
        except JSONTooDeep as error:
            raise ParseError(str(error)) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
