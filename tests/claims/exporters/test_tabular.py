import csv
import datetime as dt
import io
import json

import pytest

from claims.exporters.tabular import csv_lines, jsonl_lines, neutralise


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(value):
    assert neutralise(value) == "'" + value


def test_ordinary_values_pass_through():
    assert [neutralise(v) for v in ("Le chômage", 3, None, 0.5)] == ["Le chômage", 3, None, 0.5]


def test_csv_lines_read_back_with_a_csv_reader():
    rows = [[1, 'Il a dit "non", puis =HYPERLINK("x")', ["quote"]], [2, "a\nb", None]]
    out = "".join(csv_lines(["id", "text", "types"], rows))
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert parsed[0] == {"id": "1", "text": 'Il a dit "non", puis =HYPERLINK("x")', "types": '["quote"]'}
    assert parsed[1]["text"] == "a\nb" and parsed[1]["types"] == ""


def test_csv_cells_write_times_and_dates_in_iso_8601_and_neutralise_list_cells():
    when = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
    out = "".join(csv_lines(["at", "on", "ok", "score", "list"], [[when, dt.date(2026, 12, 1), True, 0.5, ["=x"]]]))
    assert out.splitlines()[1] == '2026-11-26T09:30:00+00:00,2026-12-01,True,0.5,"[""=x""]"'


def test_a_csv_for_excel_starts_with_a_byte_order_mark_and_only_then():
    with_bom = "".join(csv_lines(["texte"], [["Élysée"]], bom=True))
    assert with_bom.encode("utf-8").startswith(b"\xef\xbb\xbftexte\r\n")
    assert with_bom.count("\ufeff") == 1
    assert not "".join(csv_lines(["texte"], [["Élysée"]])).startswith("\ufeff")


def test_jsonl_lines_are_one_json_object_each():
    when = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
    lines = list(jsonl_lines(["id", "text", "at"], [[1, "é", when], [2, None, None]]))
    assert [json.loads(line) for line in lines] == [
        {"id": 1, "text": "é", "at": "2026-11-26T09:30:00+00:00"},
        {"id": 2, "text": None, "at": None},
    ]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
