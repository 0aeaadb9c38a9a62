"""Excel workbooks, written with openpyxl's write-only mode.

Each row goes to a temporary file as it comes and the workbook is zipped from it at the end, so
memory stays flat whatever the number of rows (the file itself is only whole once saved: there is
no streaming a zip's central directory). Text is always written as text: openpyxl would store a
string beginning with "=" as a formula, so such cells are typed as strings explicitly, and every
cell a spreadsheet could read as a formula also gets Excel's quote prefix, which keeps it text
even when someone edits it. Excel has no time zones: times are written in the zone given.
"""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import BinaryIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from claims.exporters.tabular import FORMULA_START

MAX_TEXT = 32_767  # Excel's limit for one cell
_PLAIN = frozenset((int, float, bool, type(None)))


def xlsx_write(
    out: BinaryIO | str,
    *,
    headings: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int],
    tz: ZoneInfo,
    title: str,
) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
    for number, width in enumerate(widths, start=1):  # before the first row, in write-only mode
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_heading(sheet, heading) for heading in headings])
    written = 0
    for row in rows:
        sheet.append([_cell(sheet, value, tz) for value in row])
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{written + 1}"
    workbook.save(out)


def _heading(sheet, text: str) -> WriteOnlyCell:
    cell = _text(sheet, text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value, tz: ZoneInfo):
    if value.__class__ is str:
        return _text(sheet, value) if _risky(value) else _clean(value)
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, list | dict):
        return _cell(sheet, json.dumps(value, ensure_ascii=False), tz)
    return value


def _risky(text: str) -> bool:
    """Would a spreadsheet (or openpyxl) read this text as a formula or an error value?"""
    return text[:1] in FORMULA_START or text in ERROR_CODES


def _text(sheet, text: str) -> WriteOnlyCell:
    """A cell typed as text whatever it holds (the public setter would infer a formula from "=")."""
    cell = WriteOnlyCell(sheet)
    cell._value, cell.data_type = _clean(text), "s"
    if _risky(text):
        cell.quotePrefix = True
    return cell


def _clean(text: str) -> str:
    """Excel refuses most control characters and cuts text past its limit."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text[:MAX_TEXT]
