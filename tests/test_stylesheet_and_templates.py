"""The stylesheet shows where the keyboard is, and no template needs the CSP loosened.

The Content-Security-Policy allows scripts and styles from the app's own files only
(factcheck/settings: script-src 'self', style-src 'self'): an inline style attribute, a <style>
element, an inline <script>, an onclick= handler or a javascript: link would be blocked in the
browser, silently. The browser tests catch the ones their pages render; these catch every template.
"""

import re

import pytest

from claims.models import ClaimStatus, Rating
from tests.helpers import ROOT

STYLESHEET = ROOT / "static" / "claims" / "app.css"
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.DOTALL)
# A data block is not run, so the policy does not govern it (claims_extras.jsonld_script writes one).
DATA_SCRIPT = re.compile(r"""type=["']application/(ld\+)?json["']""")


def _rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations) of every rule, media queries flattened."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [(s.strip(), d) for s, d in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def _tags(path) -> list[str]:
    return TAG.findall(path.read_text(encoding="utf-8"))


def _name(path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


def test_the_stylesheet_outlines_whatever_has_the_keyboard_focus():
    rules = _rules(STYLESHEET.read_text(encoding="utf-8"))
    focus = [(s, d) for s, d in rules if ":focus-visible" in s]
    assert any(s == ":focus-visible" and re.search(r"outline:\s*\d", d) for s, d in focus), focus
    # Nothing takes the outline away without putting another one in its place.
    assert [s for s, d in rules if ":focus" in s and re.search(r"outline:\s*(none|0)\b", d)] == []


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "selector",
    [f".status-{s.value}" for s in ClaimStatus] + [f".rating-{r.value}" for r in Rating],
)
def test_every_claim_status_and_rating_has_a_badge_whose_text_is_readable(selector):
    """WCAG AA asks 4.5:1 for text this small; a new status or rating without its colours fails here."""
    declarations = dict(_rules(STYLESHEET.read_text(encoding="utf-8")))[selector]
    background = re.search(r"background:\s*(#[0-9a-f]{6})", declarations).group(1)
    colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", declarations).group(1)
    assert _contrast(colour, background) >= 4.5


def test_contrast_is_computed_as_wcag_does():
    assert round(_contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(_contrast("#767676", "#ffffff"), 2) == 4.54


def test_the_stylesheet_is_checked_against_a_real_rule_list():
    rules = _rules(":root { --a: 1; }\n@media (x) { a:focus-visible { outline: 3px solid red; } }")
    assert rules == [(":root", " --a: 1; "), ("a:focus-visible", " outline: 3px solid red; ")]


@pytest.mark.parametrize("template", TEMPLATES, ids=_name)
def test_the_template_has_no_inline_style(template):
    text = template.read_text(encoding="utf-8")
    assert [t for t in _tags(template) if re.search(r"\sstyle\s*=", t)] == []
    assert re.search(r"<style[\s>]", text) is None


@pytest.mark.parametrize("template", TEMPLATES, ids=_name)
def test_the_template_has_no_inline_script(template):
    scripts = [t for t in _tags(template) if re.match(r"<script[\s>]", t)]
    assert [t for t in scripts if "src=" not in t and not DATA_SCRIPT.search(t)] == []
    assert [t for t in _tags(template) if re.search(r"\son[a-z]+\s*=", t)] == []
    assert "javascript:" not in template.read_text(encoding="utf-8").lower()


def test_the_checks_would_catch_an_inline_style_and_an_inline_script(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<p style="color: red">x</p><script>alert(1)</script><button onclick="go()">', encoding="utf-8")
    tags = _tags(page)
    assert [t for t in tags if re.search(r"\sstyle\s*=", t)] == ['<p style="color: red">']
    assert [t for t in tags if re.match(r"<script[\s>]", t) and "src=" not in t] == ["<script>"]
    assert [t for t in tags if re.search(r"\son[a-z]+\s*=", t)] == ['<button onclick="go()">']
