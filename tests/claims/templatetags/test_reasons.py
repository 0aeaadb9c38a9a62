"""Reasons are stored as codes with parameters and rendered in the reader's language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from claims.nlp.reasons import CODES
from claims.templatetags.claims_extras import _REASONS, reason_text, reason_texts

STORED = [
    {"code": "figure", "params": {"items": "2 %, 2023"}},
    {"code": "reported", "params": {"who": "l’Insee"}},
    {"code": "model", "params": {}},
    {"code": "place", "params": {}},
]


def test_reasons_render_in_french():
    with translation.override("fr"):
        assert reason_texts(STORED) == [
            "contient un chiffre (2 %, 2023)",
            "rapporte ce qu'a dit quelqu'un (l’Insee)",
            "ressemble aux affirmations que vérifient les fact-checkeurs",
            "nomme un lieu",
        ]


def test_reasons_render_in_english():
    with translation.override("en"):
        assert reason_texts(STORED) == [
            "contains a figure (2 %, 2023)",
            "reports what someone said (l’Insee)",
            "reads like the claims fact-checkers check",
            "names a place",
        ]


def test_reasons_stored_as_text_before_codes_are_shown_as_they_are():
    with translation.override("en"):
        assert reason_texts(["contient un chiffre (3 %)", {"code": "quote", "params": {}}]) == [
            "contient un chiffre (3 %)",
            "contains a quote",
        ]


def test_an_unknown_code_or_a_missing_parameter_still_renders_something_readable():
    with translation.override("en"):
        assert reason_text({"code": "someday", "params": {}}) == "someday"
        assert reason_text({"code": "figure", "params": {"other": "x"}}) == "contains a figure"
        assert reason_texts(None) == []


def test_every_code_the_extraction_emits_has_a_message():
    assert set(CODES) == set(_REASONS)


@pytest.mark.parametrize(("language", "expected"), [("fr", "contient une citation"), ("en", "contains a quote")])
def test_the_template_filter_renders_in_the_active_language(language, expected):
    template = Template('{% load claims_extras %}{{ reasons|reason_texts|join:"; " }}')
    with translation.override(language):
        assert template.render(Context({"reasons": [{"code": "quote", "params": {}}]})) == expected
