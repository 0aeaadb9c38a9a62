"""CSV and JSON Lines, written row by row so that any number of claims streams in constant memory.

Rows are sequences of values in the order of the header: dates and times are written in ISO 8601,
lists and dicts as JSON, and CSV text a spreadsheet would run as a formula is neutralised.
"""

import csv
import datetime as dt
import functools
import io
import json
from collections.abc import Iterable, Iterator, Sequence

# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection).
FORMULA_START = frozenset("=+-@\t\r")


def neutralise(value) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula; other values pass through."""
    if value.__class__ is str and value[:1] in FORMULA_START:
        return "'" + value
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = False) -> Iterator[str]:
    """`bom`: start with a byte order mark, without which Excel reads UTF-8 as the local code page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(header)
    yield _take(buffer)
    writerow, formula_start, as_is = writer.writerow, FORMULA_START, _AS_IS
    for row in rows:
        # Text and numbers inline, the rest in _cell: a call per cell would cost a tenth of the export.
        writerow(
            [
                ("'" + v if v[:1] in formula_start else v)
                if v.__class__ is str
                else (v if v.__class__ in as_is else _cell(v))
                for v in row
            ]
        )
        yield _take(buffer)


def jsonl_lines(keys: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False, default=_json_default) + "\n"


def _cell(value):
    """A CSV cell neither text nor a number: None as empty, lists as JSON (neutralised), dates in ISO 8601."""
    if value is None:
        return ""
    if value.__class__ is list and all(item.__class__ is str for item in value):
        return _text_list(tuple(value))
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, ensure_ascii=False))
    if isinstance(value, dt.date):  # and datetimes
        return value.isoformat()
    return neutralise(value)


_AS_IS = frozenset((int, float, bool))


@functools.lru_cache(maxsize=1024)
def _text_list(items: tuple[str, ...]) -> str:
    """Lists of codes (a claim's types) repeat endlessly: each is encoded once."""
    return neutralise(json.dumps(list(items), ensure_ascii=False))


def _json_default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
