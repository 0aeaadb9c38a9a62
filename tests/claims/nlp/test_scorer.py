import numpy as np
import pytest

from claims.nlp import encoder, scorer, training
from claims.nlp.encoder_scorer import EncoderScorer
from claims.nlp.ngram import NgramModel, shape_text
from claims.nlp.pipeline import extract, score_texts
from claims.nlp.training import Labelled


def test_the_shape_view_keeps_frequent_words_and_abstracts_the_rest():
    assert shape_text("We cut taxes by 30 percent", frozenset({"we", "by", "percent"})) == "we <w> <s> by <num> percent"


def test_a_trained_ngram_model_survives_saving_and_loading(tmp_path):
    texts = [f"The deficit rose by {n} percent last year." for n in range(30)] + [
        f"Thank you very much, friend number {n}." for n in range(30)
    ]
    data = Labelled([str(i) for i in range(60)], texts, np.array([True] * 30 + [False] * 30))
    model = training.train_ngram(data, language="en", folds=3)
    before = model.predict_proba(["The deficit rose by 9 percent.", "Thank you, friend."])
    loaded = NgramModel.load(model.save(tmp_path).parent)
    after = loaded.predict_proba(["The deficit rose by 9 percent.", "Thank you, friend."])
    assert before == pytest.approx(after, abs=1e-3)
    assert after[0] > loaded.threshold > after[1]
    assert (tmp_path / "metrics.json").exists() and loaded.version.startswith("ngram-en-")


def test_the_shipped_english_model_tells_claims_from_chatter():
    scores, threshold = score_texts(
        ["We've lost 2 million manufacturing jobs since 2001.", "Thank you very much, it's great to be here."], "en"
    )
    assert scores[0] >= threshold > scores[1]


def test_the_shipped_models_are_small_and_versioned():
    for language in ("en", "fr"):
        assert (scorer.model_dir(language) / "encoder.json.gz").stat().st_size < 25_000_000
    assert (scorer.model_dir("en") / "model.json.gz").stat().st_size < 25_000_000
    if encoder.available():
        assert isinstance(scorer.for_language("en"), EncoderScorer)
        assert scorer.for_language("fr").version.startswith("encoder-fr-")
    else:
        assert isinstance(scorer.for_language("en"), scorer.ModelScorer)
        assert scorer.for_language("fr").version.startswith("cues-fr")


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("Si le gouvernement augmente les impôts, la dette baissera.", "Le gouvernement a augmenté les impôts de 5 %."),
        ("Le chômage a-t-il baissé en 2023 ?", "Le chômage a baissé de 2 % en 2023."),
        ("Je pense que c'est une bonne idée.", "L'INSEE a publié un taux de chômage de 7,3 %."),
    ],
)
def test_french_cues_rank_factual_statements_above_conditionals_questions_and_opinions(lower, higher):
    scores, _threshold = score_texts([lower, higher], "fr")
    assert scores[1] > scores[0]


def test_an_english_article_is_extracted_without_an_english_spacy_model():
    text = "Thank you all for coming tonight.\n\nUnemployment fell to 3.5 percent in 2019, the senator said."
    result = extract(text, "en")
    assert [c.text for c in result.claims] == ["Unemployment fell to 3.5 percent in 2019, the senator said."]
    claim = result.claims[0]
    assert claim.claimant == "the senator"
    assert {"quantity"} <= set(claim.types)
    assert result.scorer_version.startswith("encoder-en-" if encoder.available() else "ngram-en-")


def test_an_unsupported_language_gets_sentences_and_rules_and_says_so():
    result = extract("Die Arbeitslosigkeit sank 2023 um 2 Prozent. Danke.", "de", keep_all=True)
    assert result.sentences == 2
    assert result.limited_support is True


def test_extracting_many_texts_in_batches_gives_the_same_claims_as_one_by_one():
    from claims.nlp.pipeline import extract_many

    texts = [f"Le chômage a baissé de {n} % en 2023, selon l'INSEE.\n\nIl fait beau. Merci." for n in range(5)]
    texts.append("")
    batched = dict(extract_many(list(enumerate(texts)), "fr", chunk=4))
    for n, text in enumerate(texts):
        single = extract(text, "fr")
        assert [(c.start, c.end, c.score, c.claimant) for c in batched[n].claims] == [
            (c.start, c.end, c.score, c.claimant) for c in single.claims
        ]


@pytest.mark.parametrize(
    "sentence",
    [
        "CNN a contacté l’ambassade de Chine à Washington pour obtenir des commentaires.",
        "Bloomberg a d’abord signalé le contact entre l’administration et Pékin.",
        "Le ministère n’a pas répondu à nos sollicitations.",
        "The White House did not immediately respond to a request for comment.",
    ],
)
def test_the_newsrooms_own_procedure_is_not_a_claim(sentence):
    claims = extract(f"Le chômage a baissé de 2 % en 2023, selon l’Insee. {sentence}", "fr", keep_all=True).claims
    assert claims[1].text == sentence
    assert claims[1].score < claims[0].score
    assert claims[1].score < scorer.for_language("fr").threshold
