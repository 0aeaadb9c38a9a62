"""The tags column of every export (the Python way: SQLite, and JSON Lines and spreadsheets everywhere),
the export filter by tag, and ClaimReview's keywords. The COPY's bytes: tests/claims/test_export_copy.py."""

import csv
import io
import json

import pytest

from claims import reports
from claims.exporters.tabular import csv_lines, jsonl_lines
from claims.models import ExportFormat
from claims.services import tags
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(editor_user):
    claims = [ClaimFactory() for _ in range(3)]
    for name in ("Santé", "budget", "=SUM(A1)", "Zèbre"):  # stored in this order, exported sorted by code point
        tag = tags.tag_create(name=name, actor=editor_user)
        tags.claims_tag(claims=claims[:2], tag=tag, actor=editor_user)
    return claims


def _csv(filters: dict) -> list[dict]:
    rows = reports.export_rows(reports.export_queryset(filters), language="en")
    return list(csv.DictReader(io.StringIO("".join(csv_lines(reports.EXPORT_COLUMNS, rows)))))


def test_the_csv_has_a_tags_column_last_a_json_list_sorted_by_code_point(tagged):
    rows = {int(row["id"]): row for row in _csv({})}
    assert reports.EXPORT_COLUMNS[-1] == "tags"
    assert json.loads(rows[tagged[0].pk]["tags"]) == ["=SUM(A1)", "Santé", "Zèbre", "budget"]
    assert rows[tagged[2].pk]["tags"] == "[]"


def test_json_lines_carry_the_tags_as_a_list(tagged):
    rows = reports.export_rows(reports.export_queryset({}), language="en")
    lines = [json.loads(line) for line in jsonl_lines(reports.EXPORT_COLUMNS, rows)]
    assert {line["id"]: line["tags"] for line in lines}[tagged[1].pk] == ["=SUM(A1)", "Santé", "Zèbre", "budget"]


def test_an_export_filtered_by_tag_has_only_that_tag_s_claims(tagged):
    assert sorted(int(row["id"]) for row in _csv({"tag": "budget"})) == sorted(c.pk for c in tagged[:2])
    lines = list(reports.export_lines(ExportFormat.JSONL, reports.export_queryset({"tag": "zebre"})))
    assert len(lines) == 2


def test_the_export_form_and_the_api_take_a_tag(client, editor_user, tagged):
    from django.urls import reverse

    client.force_login(editor_user)
    response = client.get(reverse("claims:export-stream"), {"format": "csv", "tag": "budget"})
    body = b"".join(response.streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(body)))) == 2
    response = client.get(reverse("claims:export-stream"), {"format": "csv", "tag": "no-such-tag"})
    assert response.status_code == 400
