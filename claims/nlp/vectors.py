"""The matcher's embeddings: a growing float32 matrix searched by cosine, exactly.

A scan reads every vector (100,000 x 384 floats is 154 MB), so its cost is the machine's memory
bandwidth: about 28 ms on this project's 2-core machine under load, the bulk of a dense search
against 100,000 claims. Partitioning (k-means clusters, scanning the closest few) was measured
on the CheckThat! 2020 library and dropped: tweets against fact-checks fall outside their
clusters, so scanning a quarter of the vectors still missed the closest one for 7 % of queries.
"""

import numpy as np


class VectorStore:
    def __init__(self, dim: int):
        self.dim = dim
        self._data = np.zeros((0, dim), dtype=np.float32)  # rows past len(self) are spare room
        self._size = 0

    def __len__(self) -> int:
        return self._size

    @property
    def vectors(self) -> np.ndarray:
        return self._data[: self._size]

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        end = self._size + len(vectors)
        if end > len(self._data):  # grow by half again, so appends stay amortised O(1)
            grown = np.zeros((max(end, int(len(self._data) * 1.5), 1024), self.dim), np.float32)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : end] = vectors
        self._size = end

    def clear(self, positions) -> None:
        """Zero these rows: a cosine of 0 ranks them below any related document."""
        positions = np.asarray(positions, dtype=np.int64)
        self._data[positions[positions < self._size]] = 0.0  # a words-only index holds no vectors

    def nearest(self, vector: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the `limit` closest vectors by cosine, best first, and their cosines."""
        cosines = self.vectors @ np.asarray(vector, dtype=np.float32)
        limit = min(limit, self._size)
        if limit <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        best = np.argpartition(-cosines, limit - 1)[:limit]
        best = best[np.argsort(-cosines[best], kind="stable")]
        return best, cosines[best]

    def cosines(self, vector: np.ndarray, positions) -> np.ndarray:
        return self._data[np.asarray(positions, dtype=np.int64)] @ np.asarray(vector, dtype=np.float32)
