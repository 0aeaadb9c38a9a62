"""Random JSON never crashes the bulk article import or the library import: every record is
saved or refused with a reason, and nothing is saved that was refused."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.exporters.claimreview_reader import ClaimReviewError, read
from claims.models import Article
from claims.services.ingestion import IngestionError, articles_import_bulk

KEYS = st.sampled_from(
    ["@type", "@graph", "claims", "claimReview", "claimReviewed", "url", "text", "body", "title", "published",
     "reviewRating", "ratingValue", "bestRating", "alternateName", "author", "name", "itemReviewed", "language"]
)  # fmt: skip
LETTERS = st.characters(categories=["L", "Zs"])
# Joined from characters: st.text() never yields a lone surrogate, and JSON can carry one ("\ud800").
TEXT = st.lists(LETTERS | st.sampled_from(["\x00", "\x1b", "\ud800", "\udfff"]), max_size=30).map("".join)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(["ClaimReview", "https://x.org/a", "javascript:alert(1)", "2023-01-15 x", "2023", "Faux"])
    | st.just("https://x.org/" + "a" * 1_200)
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=25,
)
# Shapes the reader looks into: Google's export, an @graph, a list of reviews.
DOCUMENTS = (
    JSON
    | st.builds(lambda claims: {"claims": claims}, st.lists(JSON, max_size=4))
    | st.builds(lambda reviews: {"claims": [{"text": "C", "claimReview": r} for r in reviews]}, st.lists(JSON))
    | st.builds(lambda nodes: {"@graph": nodes}, st.lists(JSON, max_size=4))
)
# Article-shaped records, each field of any kind.
RECORDS = JSON | st.fixed_dictionaries(
    {"body": TEXT | SCALARS},
    optional={name: SCALARS for name in ("title", "url", "outlet", "author", "published", "language")},
)
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FUZZ
@given(document=DOCUMENTS)
def test_the_claimreview_reader_reads_skips_or_refuses_but_never_crashes(document):
    try:
        checks, problems = read(json.dumps(document).encode("utf-8", "surrogatepass"))
    except ClaimReviewError as error:
        assert str(error)
        return
    assert all(check.url.startswith(("http://", "https://")) for check in checks)
    assert all(problem.startswith("review ") for problem in problems)


@pytest.mark.django_db
@FUZZ
@given(records=st.lists(RECORDS, min_size=1, max_size=5))
def test_every_bulk_record_is_saved_or_refused_with_its_line(records):
    Article.objects.all().delete()
    data = "\n".join(json.dumps(r) for r in records).encode("utf-8", "surrogatepass")
    try:
        outcome = articles_import_bulk(name="lot.jsonl", data=data)
    except IngestionError:
        assert not Article.objects.exists()
        return
    assert len(outcome.results) + len(outcome.errors) == len(records)
    assert {line for line, _reason in outcome.errors} <= set(range(1, len(records) + 1))
    assert Article.objects.count() == len({r.article.pk for r in outcome.results})
