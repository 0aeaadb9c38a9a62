import csv
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
    rows = [{"id": 1, "text": 'Il a dit "non", puis =HYPERLINK("x")', "types": ["quote"]}, {"id": 2, "text": "a\nb"}]
    out = "".join(csv_lines(["id", "text", "types"], rows))
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert parsed[0] == {"id": "1", "text": 'Il a dit "non", puis =HYPERLINK("x")', "types": '["quote"]'}
    assert parsed[1]["text"] == "a\nb" and parsed[1]["types"] == ""


def test_jsonl_lines_are_one_json_object_each():
    lines = list(jsonl_lines([{"id": 1, "text": "é"}, {"id": 2}]))
    assert [json.loads(line) for line in lines] == [{"id": 1, "text": "é"}, {"id": 2}]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
