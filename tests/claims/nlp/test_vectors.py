"""The matcher's vector store: exact nearest neighbours, growing as documents arrive."""

import numpy as np

from claims.nlp.vectors import VectorStore


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_the_store_returns_the_exact_nearest_vectors_best_first_across_growth():
    rng = np.random.default_rng(3)
    vectors = unit(rng.standard_normal((5_000, 64)))
    store = VectorStore(64)
    for start in range(0, 5_000, 700):  # grown many times
        store.add(vectors[start : start + 700])
    assert len(store) == 5_000 and np.array_equal(store.vectors, vectors)
    query = unit(vectors[17:18] + 0.1 * rng.standard_normal((1, 64)))[0]
    positions, cosines = store.nearest(query, 10)
    assert positions.tolist() == np.argsort(-(vectors @ query))[:10].tolist()
    assert positions[0] == 17 and list(cosines) == sorted(cosines, reverse=True)
    assert np.allclose(store.cosines(query, [17, 3]), vectors[[17, 3]] @ query)


def test_an_empty_store_finds_nothing():
    positions, cosines = VectorStore(8).nearest(np.ones(8, np.float32), 5)
    assert len(positions) == len(cosines) == 0
