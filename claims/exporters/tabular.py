"""CSV and JSON Lines, written row by row so that any number of claims streams in constant memory."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection).
_FORMULA_START = frozenset("=+-@\t\r")


def neutralise(value) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula; other values pass through."""
    if value.__class__ is str and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def csv_lines(columns: list[str], rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield _take(buffer)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
        yield _take(buffer)


def jsonl_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, default=str) + "\n"


def _cell(value):
    """One CSV cell: text neutralised, lists as JSON, None as empty. Strings first: most cells are."""
    if value.__class__ is str:
        return "'" + value if value[:1] in _FORMULA_START else value
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return value


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
