"""The sample article must read right. No database: the NLP package on its own."""

import re

import pytest

from claims.nlp import encoder
from claims.nlp.pipeline import extract
from claims.nlp.reasons import CODES
from tests.helpers import require, sample_text


@pytest.fixture(scope="module")
def sample():
    raw = sample_text()
    body = raw.split("\n", 2)[2]
    return body, extract(body, "fr", outlet="CNN")


@pytest.fixture(scope="module")
def every_sentence(sample):
    """All 23 sentences with their scores, claimants and entities, kept or not."""
    return extract(sample[0], "fr", outlet="CNN", keep_all=True)


def _claim(result, start_of_text: str):
    found = [c for c in result.claims if c.text.startswith(start_of_text)]
    assert found, f"no claim starts with {start_of_text!r}"
    return found[0]


def test_every_claim_is_exactly_its_span_of_the_original_text(sample, every_sentence):
    body = sample[0]
    for claim in every_sentence.claims:
        assert body[claim.start : claim.end] == claim.text
        for entity in claim.entities:
            assert body[entity.start : entity.end] == entity.text


def test_chinese_companies_selling_non_lethal_equipment_is_a_claim_by_two_us_officials(sample):
    claim = _claim(sample[1], "L’administration Biden a récemment fait part")
    assert "matériel non létal" in claim.text
    assert claim.claimant == "deux responsables américains"
    assert "reported_statement" in claim.types


def test_body_armour_and_helmets_is_a_claim(sample):
    claim = _claim(sample[1], "Cet équipement comprend")
    assert "gilets pare-balles" in claim.text and "casques" in claim.text
    assert claim.claimant.startswith("plusieurs sources familières")


def test_blinkens_coming_trip_to_china_is_a_prediction(every_sentence):
    claim = _claim(every_sentence, "Le secrétaire d’État Tony Blinken se rendra en Chine")
    assert "prediction" in claim.types
    assert any(e.text == "Tony Blinken" and e.label == "PERSON" for e in claim.entities)


def test_the_friendship_without_limits_declaration_is_a_quote(sample):
    claim = _claim(sample[1], "La Chine et la Russie ont déclaré publiquement une « amitié sans limites »")
    assert "quote" in claim.types


def test_no_evidence_of_lethal_aid_is_credited_to_us_intelligence(every_sentence):
    claim = _claim(every_sentence, "Les responsables du renseignement américain ont toujours déclaré")
    assert "renseignement" in claim.claimant


def test_the_burns_quote_has_bill_burns_as_speaker(every_sentence):
    claim = _claim(every_sentence, "“Il s’avère qu’il y a en fait des limites")
    assert claim.claimant == "Bill Burns"
    assert {"quote", "reported_statement"} <= set(claim.types)
    assert any(e.text == "CIA" and e.label == "ORG" for e in claim.entities)


def test_putins_statement_after_the_virtual_meeting_with_xi_is_his(every_sentence):
    claim = _claim(every_sentence, "En décembre, après une rencontre virtuelle")
    assert claim.claimant == "Vladimir Poutine"
    assert any(e.label == "DATE" and e.text == "décembre" for e in claim.entities)


def test_the_conditional_about_what_the_biden_administration_might_determine_is_not_a_claim(sample):
    body, result = sample
    assert not any(c.text.startswith("Si l’administration Biden détermine") for c in result.claims)
    assert "Si l’administration Biden détermine" in body


def test_no_entity_is_an_elided_fragment(every_sentence):
    for claim in every_sentence.claims:
        for entity in claim.entities:
            assert not re.match(r"^(?:qu|s|l|d|n|j|c)['’]", entity.text, re.IGNORECASE), entity
            assert len(entity.text) >= 2


def test_scores_are_between_0_and_1_and_reasons_are_codes_with_parameters(sample):
    for claim in sample[1].claims:
        assert 0 <= claim.score <= 1
        for reason in claim.reasons:
            assert set(reason) == {"code", "params"} and reason["code"] in CODES
            assert all(isinstance(v, str) and v for v in reason["params"].values())


def test_reasons_set_a_sentence_apart_none_is_given_to_every_sentence(sample, every_sentence):
    codes = [{r["code"] for r in c.reasons} for c in every_sentence.claims]
    assert len(codes) == 23 and not set.intersection(*codes)
    assert sum("central" in c for c in codes) <= len(codes) // 3  # "sums up the text" was on all of them
    # "relates a past event" was on 12 of 23: no reason now is on more than half of the sentences
    assert max(sum(code in c for c in codes) for code in set().union(*codes)) <= len(codes) // 2
    assert all(c.reasons for c in sample[1].claims)  # a kept claim says why


def test_a_claim_nobody_is_credited_with_is_the_outlets(every_sentence):
    claim = _claim(every_sentence, "CNN a contacté l’ambassade")
    assert claim.claimant == "CNN"


@pytest.fixture(scope="module")
def built_in():
    from claims.management.commands.load_sample import BUILT_IN_SAMPLE

    return extract(BUILT_IN_SAMPLE.read_text(encoding="utf-8").split("\n", 2)[2], "fr", outlet="Factcheck")


def test_the_built_in_sample_has_quotes_attributed_to_their_speakers(built_in):
    assert _claim(built_in, "« Nous avons perdu 8 % de voyageurs").claimant == "Claire Morvan"
    assert _claim(built_in, "Les tarifs n’augmenteront pas").claimant == "Claire Morvan"
    assert _claim(built_in, "Cette mesure coûterait").claimant == "les services de la métropole"


def test_the_built_in_samples_hypothetical_and_procedure_are_not_claims(built_in):
    texts = [c.text for c in built_in.claims]
    assert not any(t.startswith(("Si l’État", "Le plan sera soumis", "Cet article est fictif")) for t in texts)


@pytest.fixture(scope="module")
def with_encoder(sample):
    require(encoder.available(), f"{encoder.PACKAGE} is not installed (pip install -r requirements.txt)")
    assert encoder.SHORT_NAME in sample[1].scorer_version
    return sample


def test_with_the_encoder_the_desk_sees_well_under_20_of_the_23_sentences(with_encoder):
    result = with_encoder[1]
    assert result.sentences == 23
    assert len(result.claims) <= 16


@pytest.mark.parametrize(
    "start",
    [
        "CNN a contacté l’ambassade de Chine",  # procedural: the outlet asked for comment
        "Judy Woodruff de PBS en décembre.",  # a fragment
    ],
)
def test_with_the_encoder_procedural_and_fragment_sentences_are_below_the_line(with_encoder, start):
    assert not any(c.text.startswith(start) for c in with_encoder[1].claims)


@pytest.mark.parametrize(
    "start",
    [
        "Les responsables du renseignement américain ont toujours déclaré",  # sourced: US intelligence
        "En décembre, après une rencontre virtuelle",  # sourced: Putin, after meeting Xi
        "Cet équipement comprend",  # sourced: people familiar with the intelligence
    ],
)
def test_with_the_encoder_sourced_checkable_statements_are_kept(with_encoder, start):
    assert any(c.text.startswith(start) for c in with_encoder[1].claims)


@pytest.mark.parametrize(
    "start",
    [
        "Le réseau transportait 41 millions de voyageurs en 2019",
        "Selon l’Observatoire régional des déplacements",
        "La chambre régionale des comptes avait relevé en 2023",
        "Cette mesure coûterait 6,4 millions d’euros",
    ],
)
def test_with_the_encoder_a_local_news_storys_figures_are_kept(with_encoder, built_in, start):
    """Another genre and another subject than the sample's: sourced figures are what a desk checks."""
    assert any(c.text.startswith(start) for c in built_in.claims)
