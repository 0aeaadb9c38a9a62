"""The NLP package on its own: no database, no Django."""

import pytest

from claims.nlp import models
from claims.nlp.normalise import normalise
from claims.nlp.segment import sentences
from tests.helpers import sample_text


@pytest.fixture(scope="module")
def fr():
    return models.load("fr")


def test_normalisation_keeps_every_offset():
    text = "L’État a dit « oui » et “non”\u00a0!"
    working = normalise(text)
    assert len(working) == len(text)
    assert working == 'L\'État a dit " oui " et "non" !'


def test_sentences_have_exact_offsets_into_the_original_text(fr):
    text = "Il a dit « c’est faux ». L’INSEE publie 2,5 %.\n\nNouveau paragraphe sans point"
    found = list(sentences(fr, text))
    assert [text[s.start : s.end] for s in found] == [
        "Il a dit « c’est faux ».",
        "L’INSEE publie 2,5 %.",
        "Nouveau paragraphe sans point",
    ]


def test_a_paragraph_break_always_ends_a_sentence(fr):
    text = "Premier paragraphe sans point final\nDeuxième ligne."
    assert len(list(sentences(fr, text))) == 2


def test_the_sample_splits_into_its_23_sentences_without_mid_clause_breaks(fr):
    text = sample_text().split("\n", 2)[2]
    found = [text[s.start : s.end] for s in sentences(fr, text)]
    assert len(found) == 23
    assert any(s.startswith("Les États-Unis pensent qu’au début de la guerre") for s in found)
    assert any(s.startswith("En décembre, après une rencontre virtuelle") and "Vladimir Poutine" in s for s in found)
    assert "Judy Woodruff de PBS en décembre." in found


def test_a_language_without_a_model_gets_a_blank_pipeline_with_sentences():
    nlp = models.load("de")
    assert [s.span.text for s in sentences(nlp, "Das ist gut. Das ist schlecht.")] == [
        "Das ist gut.",
        "Das ist schlecht.",
    ]
