import pytest

from claims.nlp import models
from claims.nlp.attribute import claimant
from claims.nlp.entities import entities
from claims.nlp.normalise import normalise


@pytest.fixture(scope="module")
def fr():
    return models.load("fr")


@pytest.fixture(scope="module")
def en():
    return models.load("en")


def _ents(nlp, text):
    doc = nlp(normalise(text))
    return [(e.text, e.label) for e in entities(doc[:], 0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le chômage a baissé de 2,5 % en 2023.", [("2,5 %", "FIGURE"), ("en 2023", "DATE")]),
        ("L'État a dépensé 3 milliards d'euros le 1er janvier 2024.", [("3 milliards d'euros", "FIGURE")]),
        ("Il y a 300 000 emplois de plus.", [("300 000 emplois", "FIGURE")]),
        ("Unemployment fell to 3.5 percent in March 2023.", [("3.5 percent", "FIGURE"), ("March 2023", "DATE")]),
    ],
)
def test_figures_and_dates_are_found_by_rule(fr, text, expected):
    found = _ents(fr, text)
    for item in expected:
        assert item in found


def test_a_full_date_is_one_entity(fr):
    assert ("1er janvier 2024", "DATE") in _ents(fr, "La loi entre en vigueur le 1er janvier 2024.")


def test_entity_offsets_point_into_the_original_text(fr):
    text = "Selon l’INSEE, le chômage a baissé de 2 % à Paris."
    doc = fr(normalise(text))
    for entity in entities(doc[:], 0):
        assert text[entity.start : entity.end] == entity.text


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Le chômage a baissé, selon deux responsables américains.", "deux responsables américains"),
        ("“C'est faux”, a déclaré le directeur de la CIA, Bill Burns.", "Bill Burns"),
        ("Les prix montent, ont déclaré à CNN plusieurs sources.", "plusieurs sources"),
        ("Le ministre de la Santé a affirmé que 300 lits ont fermé.", "Le ministre de la Santé"),
        ("Le Premier ministre Gabriel Attal a déclaré que la dette baisse.", "Gabriel Attal"),
        ("Les collaborateurs du président Joe Biden ont averti la Chine.", "Les collaborateurs du président Joe Biden"),
        ("Il fait beau aujourd'hui à Paris.", ""),
    ],
)
def test_the_claimant_is_read_from_french_attribution(fr, text, who):
    assert claimant(fr(normalise(text))[:], "fr") == who


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Crime fell by 20 percent, according to the FBI.", "the FBI"),
        ("Taxes went up, the senator said.", "the senator"),
        ("We have the best economy in the world.", ""),
    ],
)
def test_the_claimant_is_read_from_english_attribution(en, text, who):
    assert claimant(en(text)[:], "en") == who
