"""Random Unicode never crashes ingestion or extraction, and every offset stays exact."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.nlp.pipeline import extract
from claims.services.ingestion import IngestionError, article_ingest, article_input_from_upload

WORDS = st.sampled_from(
    [
        "Le",
        "chômage",
        "a",
        "baissé",
        "de",
        "2,5 %",
        "selon",
        "l’INSEE",
        "« amitié »",
        "“oui”",
        "Poutine",
        "déclaré",
        "1er janvier 2024",
        "300 000",
        "emojis",
        "🙂",
        "مرحبا",
        "日本",
        "Ωμέγα",
    ]
)
PUNCT = st.sampled_from([".", "!", "?", ",", "…", " – ", "\n", "\n\n", " ", "\u00a0", "\u202f", "\t", "\x0b", "\u2028"])
TEXTS = st.one_of(
    st.text(max_size=400),  # anything at all, control characters and surrogates-free code points included
    st.lists(st.one_of(WORDS, PUNCT), max_size=200).map(" ".join),  # sentence-like
    st.text(alphabet=st.characters(categories=["L", "Zs"]), min_size=500, max_size=3000),  # no punctuation at all
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FUZZ
@given(text=TEXTS, language=st.sampled_from(["fr", "en", "de"]))
def test_extraction_never_crashes_and_offsets_stay_exact(text, language):
    result = extract(text, language, keep_all=True)
    for claim in result.claims:
        assert text[claim.start : claim.end] == claim.text
        assert 0 <= claim.score <= 1
        for entity in claim.entities:
            assert text[entity.start : entity.end] == entity.text


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=600) | TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_ingestion_either_saves_an_article_or_refuses_with_a_message(data):
    try:
        result = article_ingest(data=article_input_from_upload(name="article.txt", data=data))
    except IngestionError as error:
        assert str(error)
        return
    article = result.article
    article.refresh_from_db()
    assert article.body.strip() and "\x00" not in article.body
    for claim in article.claims.all():
        assert article.body[claim.start : claim.end] == claim.text
