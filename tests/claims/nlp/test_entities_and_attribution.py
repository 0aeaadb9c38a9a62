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


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("« Le chômage a baissé », s’est félicitée la ministre du Travail, Catherine Vautrin.", "Catherine Vautrin"),
        ("“Le chômage a baissé”, s’est félicitée la ministre du Travail, Catherine Vautrin.", "Catherine Vautrin"),
        ("D’après la CGT, 300 000 personnes ont manifesté à Paris.", "la CGT"),
        ("Le chômage a reculé de 0,3 point, selon les chiffres publiés mardi par l’Insee.", "l’Insee"),
        ("Selon une étude de l’Inserm, 12 % des adolescents dorment mal.", "l’Inserm"),
    ],
)
def test_quotes_with_an_incise_and_sources_of_figures_credit_the_speaker_not_the_outlet(fr, text, who):
    working = normalise(text)  # the claimant is read on the working copy, same offsets as the text
    found = claimant(fr(working)[:], "fr")
    assert text[working.index(found) : working.index(found) + len(found)] == who


def _labels(nlp, text):
    from claims.nlp.pipeline import extract

    return {(e.text, e.label) for c in extract(text, "fr", keep_all=True).claims for e in c.entities}


def test_washington_the_government_is_never_a_person(fr):
    found = _labels(fr, "Il n’est pas clair pour Washington si le gouvernement central en est conscient.")
    assert ("Washington", "PLACE") in found and ("Washington", "PERSON") not in found


def test_biden_is_never_a_place(fr):
    found = _labels(fr, "Bloomberg a d’abord signalé le contact entre l’administration Biden et Pékin.")
    assert ("Biden", "PERSON") in found and ("Biden", "PLACE") not in found


def test_a_surname_is_a_person_across_the_text_once_the_full_name_appears(fr):
    text = "Le président Joe Biden a parlé mardi.\n\nLes alliés de Biden au Congrès ont applaudi."
    found = _labels(fr, text)
    assert ("Biden", "PLACE") not in found and ("Biden", "MISC") not in found


def test_bloomberg_is_an_organisation(fr):
    found = _labels(fr, "Bloomberg a d’abord signalé le contact entre l’administration Biden et Pékin.")
    assert ("Bloomberg", "ORG") in found and ("Bloomberg", "PERSON") not in found


def test_the_secretary_of_state_is_not_a_place(fr):
    found = _labels(fr, "Le secrétaire d’État Tony Blinken se rendra en Chine dans les semaines à venir.")
    assert not any(text in ("État", "d’État") for text, _label in found)
    assert ("Tony Blinken", "PERSON") in found and ("Chine", "PLACE") in found
