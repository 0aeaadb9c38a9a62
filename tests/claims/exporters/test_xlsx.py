import datetime as dt
import io
import tracemalloc
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from claims.exporters.xlsx import xlsx_write

PARIS = ZoneInfo("Europe/Paris")


def _write(rows, headings=("a", "b")) -> bytes:
    out = io.BytesIO()
    xlsx_write(out, headings=list(headings), rows=rows, widths=[10] * len(headings), tz=PARIS, title="Claims")
    return out.getvalue()


def _cells(content: bytes):
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows())


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+33 6", "-2", "@SUM(A1)", "\tx", "\rx", "#N/A"])
def test_text_a_spreadsheet_could_run_stays_text_with_a_quote_prefix(text):
    content = _write([[text, "ordinary"]])
    cell, ordinary = _cells(content)[1]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert (ordinary.value, ordinary.quotePrefix) == ("ordinary", False)
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()


def test_headings_are_bold_frozen_and_filterable():
    sheet = openpyxl.load_workbook(io.BytesIO(_write([[1, 2]]))).active
    assert [c.value for c in sheet[1]] == ["a", "b"] and sheet["A1"].font.b is True
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B2"


def test_values_keep_their_types_and_times_are_shown_in_the_zone_given():
    summer = dt.datetime(2026, 7, 14, 22, 30, tzinfo=dt.UTC)
    row = _cells(_write([[summer, dt.date(2026, 12, 1), True, 0.25, None, ["quote"]]], "abcdef"))[1]
    assert [c.value for c in row] == [
        dt.datetime(2026, 7, 15, 0, 30),
        dt.datetime(2026, 12, 1),
        True,
        0.25,
        None,
        '["quote"]',
    ]


def test_control_characters_excel_refuses_are_dropped_rather_than_failing_the_export():
    assert _cells(_write([["a\x01b\x0bc", "ok"]]))[1][0].value == "abc"


def test_memory_does_not_grow_with_the_number_of_rows(tmp_path):
    def peak(count: int) -> int:
        rows = ([n, f"Affirmation numéro {n} : le chômage a baissé de {n % 10} %."] for n in range(count))
        tracemalloc.start()
        xlsx_write(tmp_path / f"{count}.xlsx", headings=["a", "b"], rows=rows, widths=[8, 60], tz=PARIS, title="C")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak(2_000), peak(20_000)
    assert large < small * 1.5, (small, large)
