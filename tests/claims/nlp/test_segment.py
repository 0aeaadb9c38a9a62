"""The NLP package on its own: no database, no Django."""

import pytest

from claims.nlp import models
from claims.nlp.normalise import normalise
from claims.nlp.segment import MAX_PIECE_CHARS, sentences
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


def test_a_paragraph_without_punctuation_is_cut_into_sentences_of_bounded_length(fr):
    text = " ".join(["le gouvernement a annoncé trois milliards pour les hôpitaux selon le ministre"] * 400)
    found = list(sentences(fr, text))
    assert len(found) >= len(text) // MAX_PIECE_CHARS
    assert all(s.end - s.start <= MAX_PIECE_CHARS for s in found)
    assert " ".join(text[s.start : s.end] for s in found).split() == text.split()  # nothing lost or doubled


def test_a_giant_sentence_is_cut_after_a_comma_not_inside_a_word(fr):
    text = ", ".join(["Le chômage a baissé de 2 % en 2023 selon l’INSEE"] * 100) + "."
    found = [text[s.start : s.end] for s in sentences(fr, text)]
    assert len(found) > 1 and all(len(s) <= MAX_PIECE_CHARS for s in found)
    assert all(s.endswith(",") for s in found[:-1])
