"""On PostgreSQL a CSV export is a COPY: the same bytes as the Python way, for any claims and filters."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from claims import reports
from claims.export_copy import copy_csv_lines
from claims.exporters.tabular import FORMULA_START, csv_lines
from claims.models import Claim, ClaimStatus, ClaimTag, Evidence, Tag, Verdict
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, checker
from tests.helpers import require_postgresql

pytestmark = pytest.mark.django_db
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+33 6 12",
    "-2",
    "@SUM(A1)",
    "\tonglet",
    "\rretour",
    'Il a dit "non", puis ""oui""',
    "deux\nlignes\r\net\rtrois",
    "virgule, point-virgule; fin,",
    "Élysée « 2 % » — 東京 😀",
    "  espaces  ",
    "",
]


@pytest.fixture(autouse=True)
def _postgresql():
    require_postgresql()


@pytest.fixture
def hostile_desk(db):
    """Claims with a hostile value in every text a person writes, and every kind of missing value."""
    people = [
        UserFactory(username="=chk", first_name="\t=Chloé", last_name="Du,rand"),
        UserFactory(username="@nobody"),  # no name: the username stands in
        checker("plain"),
    ]
    articles = [
        ArticleFactory(title=text, outlet=HOSTILE[-i % 12], url=f"+{i}", published_on=date(2023, 1, 15) + timedelta(i))
        for i, text in enumerate(HOSTILE * 2)
    ]
    articles[1].published_precision, articles[2].published_precision, articles[3].published_on = "year", "month", None
    for article in articles[1:4]:
        article.save()
    with transaction.atomic():  # PostgreSQL checks approved claims and their verdicts at commit
        claims = [_claim(i, text, articles[i], people[i % 3]) for i, text in enumerate(HOSTILE * 2)]
    # Tags named with every hostile text (bypassing the service's cleaning, as the admin or a shell could),
    # up to five on a claim, in an order that is not their names' order.
    names = [text for text in HOSTILE if text] + ["zèbre", "Zèbre!", "a"]
    found = [Tag.objects.create(name=name, slug=f"t{i}") for i, name in enumerate(names)]
    for i, claim in enumerate(claims):
        for tag in reversed(found[i % 7 : i % 7 + i % 6]):
            ClaimTag.objects.create(claim=claim, tag=tag)
    return claims


def _claim(i: int, text: str, article, person) -> Claim:
    status = [ClaimStatus.DETECTED, ClaimStatus.ASSIGNED, ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED][i % 4]
    claim = ClaimFactory(article=article, status=status, assignee=None if i % 4 == 0 else person)
    types = [["quantity", "quote"], ["=bad", "é"], [], "=x", ["unknown_code"]][i % 5]
    at = datetime(2026, 3, 1, 10, 0, 0, i * 1000 if i % 2 else 0, tzinfo=UTC)
    Claim.objects.filter(pk=claim.pk).update(
        text=text or "x",
        wording=HOSTILE[-i % len(HOSTILE)],
        claimant=HOSTILE[(i + 3) % len(HOSTILE)],
        types=types,
        score=[None, 0.0, 1.0, 0.5, 1e-05, 0.123456789][i % 6],
        due_date=None if i % 3 else date(2026, 12, i % 28 + 1),
        created_at=at,
        updated_at=at + timedelta(days=i, microseconds=7),
    )
    if i % 4 >= 2:  # besides the factory's verdict: a later one (in review) or an earlier one, and a draft
        submitted = timezone.now() + timedelta(days=1 if i % 4 == 2 else -1)
        Verdict.objects.create(
            claim=claim, rating="misleading", summary=HOSTILE[i % 12], author=person, submitted_at=submitted
        )
        Verdict.objects.create(claim=claim, rating="true", summary="brouillon", author=person)
    for stance in ["supports", "refutes", "context", "supports"][: i % 5]:
        Evidence.objects.create(claim=claim, url="https://example.org", title="t", stance=stance, added_by=person)
    return claim


def _python(filters: dict, language: str, bom: bool = False) -> str:
    rows = reports.export_rows(reports.export_queryset(filters), language=language)
    return "".join(csv_lines(reports.EXPORT_COLUMNS, rows, bom=bom))


def _copied(filters: dict, language: str, bom: bool = False) -> str:
    return "".join(copy_csv_lines(reports.export_queryset(filters), language=language, bom=bom))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_copy_writes_the_same_bytes_as_the_python_way_for_hostile_cells(hostile_desk, language):
    python = _python({}, language)
    assert python.count("\r\n") > len(hostile_desk)  # the desk made it: rows, and line breaks inside cells
    assert _copied({}, language) == python


def test_the_copy_neutralises_formulas_in_every_text_column(hostile_desk):
    cells = [cell for row in csv.reader(io.StringIO(_copied({}, "en"), newline="")) for cell in row]
    for cell in ("'=cmd|' /C calc'!A0", "'+33 6 12", "'-2", "'@SUM(A1)", "'\tonglet", "'\rretour", "'=Chloé Du,rand"):
        assert cell in cells
    assert not [cell for cell in cells if cell[:1] in FORMULA_START]


@pytest.mark.parametrize(
    "filters",
    [
        {"status": ClaimStatus.APPROVED},
        {"rating": "misleading"},
        {"checker": "=chk"},
        {"date_from": "2026-03-01", "date_to": "2026-03-01"},
        {"date_from": "2027-01-01"},  # nothing: the header alone
        {"tag": "t3"},
        {"tag": "t3", "status": ClaimStatus.APPROVED},
    ],
)
def test_the_copy_writes_the_same_bytes_as_the_python_way_with_filters(hostile_desk, filters):
    python = _python(filters, "fr")
    assert _copied(filters, "fr") == python


def test_the_filter_by_article_keeps_the_same_bytes_and_a_byte_order_mark(hostile_desk):
    filters = {"article": str(hostile_desk[5].article_id)}
    assert _copied(filters, "en", bom=True) == _python(filters, "en", bom=True)
    assert _copied(filters, "en", bom=True).count("\ufeff") == 1


def test_a_csv_export_on_postgresql_does_not_read_rows_in_python(hostile_desk, monkeypatch):
    def no_rows(*args, **kwargs):
        raise AssertionError("export_rows was called")

    expected = _python({}, "fr")
    monkeypatch.setattr(reports, "export_rows", no_rows)
    told = []
    lines = reports.export_lines("csv", reports.export_queryset({}), language="fr", progress=told.append)
    assert "".join(lines) == expected
    assert told == [len(hostile_desk)]  # once, when the COPY is over


def test_the_copy_writes_each_claim_s_tags_as_the_python_way_does(hostile_desk):
    rows = list(csv.DictReader(io.StringIO(_copied({}, "en"), newline="")))
    assert {row["tags"] for row in rows} >= {"[]", '["+33 6 12", "=cmd|\' /C calc\'!A0"]'}
    assert _copied({"tag": "t0"}, "en") == _python({"tag": "t0"}, "en")
