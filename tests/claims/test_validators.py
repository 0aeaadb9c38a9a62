"""The rules every door applies to input (claims/validators.py), on their own."""

import pytest
from django.core.exceptions import ValidationError

from claims.validators import URL_MAX_LENGTH, text_problem, url_problem, validate_http_url

LONG = "https://www.lemonde.fr/" + "a" * (URL_MAX_LENGTH - len("https://www.lemonde.fr/"))


@pytest.mark.parametrize(
    "url",
    ["https://www.lemonde.fr/economie/article.html", "http://factuel.afp.com/a?b=1#c", "HTTPS://EXAMPLE.ORG", LONG],
)
def test_http_and_https_addresses_within_the_column_are_links(url):
    assert url_problem(url) == ""
    validate_http_url(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "Only http and https"),
        ("JavaScript:alert(document.domain)//https://x.org", "Only http and https"),
        ("data:text/html,<script>alert(1)</script>", "Only http and https"),
        ("ftp://ftp.example.org/file", "Only http and https"),
        ("//evil.example/", "Only http and https"),
        ("http://", "not a valid web address"),
        ("https://exa mple.org/", "not a valid web address"),
        ("https://example.org/\x00", "not allowed in an address"),
        ("https://example.org/\ud800", "not allowed in an address"),
        (LONG + "a", "1,001 characters long; the limit is 1,000"),
        ("https://www.lemonde.fr/" + "a" * 1197, "1,220 characters long"),
    ],
)
def test_anything_else_is_refused_with_the_reason(url, reason):
    assert reason in url_problem(url)
    with pytest.raises(ValidationError, match=reason):
        validate_http_url(url)


def test_an_empty_url_is_left_to_the_field_to_require():
    validate_http_url("")


@pytest.mark.parametrize(
    ("value", "reason"),
    [("titre\x07", "control characters"), ("\x00", "control characters"), ("a\ud800b", "U+D800")],
)
def test_text_with_control_characters_or_lone_surrogates_is_refused_naming_the_field(value, reason):
    problem = text_problem(value, field="title")
    assert reason in problem and "“title”" in problem


def test_tabs_newlines_and_any_real_character_are_text():
    assert text_problem("Le chômage\ta baissé.\r\n« 🙂 » 日本\u2028", field="body") == ""
