"""Check-worthiness scores from 0 to 1, with the parts of each score that explain it.

Three scorers, the best one whose files and packages are present:
- `EncoderScorer` (English and French): a linear model over the sentence's embedding from a
  frozen multilingual encoder (claims/nlp/encoder.py), its cues, position and length, and
  for English its word, character and shape n-grams. `encoder.json.gz`.
- `ModelScorer` (English without the encoder): the n-gram model alone. `model.json.gz`.
- `CueScorer` (French without the encoder, any other language): a weighted sum of readable
  cues, tuned on the French claim data. `cues.json`, else the priors below.
"""

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.nlp import encoder
from claims.nlp.cues import Cues
from claims.nlp.ngram import NgramModel

DATA = Path(__file__).resolve().parent / "data"
_paths: dict[str, Path] = {}
_settings = {"use_encoder": True}

# Priors, used where no tuned weights are shipped. Positive cues raise the score.
DEFAULT_WEIGHTS = {
    "bias": -1.2,
    "threshold": 0.5,
    "weights": {
        "figure": 1.4,
        "date": 0.4,
        "person": 0.6,
        "organisation": 0.8,
        "place": 0.5,
        "reported": 1.0,
        "quote": 0.6,
        "comparison": 0.8,
        "prediction": 0.5,
        "causal": 0.6,
        "event": 0.6,
        "conditional": -2.5,
        "conditional_mood": -0.8,
        "question": -1.5,
        "exclamation": -0.5,
        "opinion": -1.2,
        "call_to_action": -2.0,
        "procedural": -2.5,
        "hedge": -0.4,
        "first_person": -0.6,
        "short": -1.5,
        "long": -0.2,
        "no_verb": -1.0,
    },
}

Parts = dict[str, float]


def sigmoid(margin: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, margin))))


def cue_parts(found: Cues, weights: dict[str, float]) -> Parts:
    """Each cue's share of the log-odds: its weight times its value."""
    return {name: weights.get(name, 0.0) * value for name, value in found.values.items() if name in weights}


@dataclass
class CueScorer:
    version: str
    bias: float
    weights: dict[str, float]
    threshold: float

    def score(self, texts: Sequence[str], found: Sequence[Cues]) -> list[float]:
        return self.explain(texts, found)[0]

    def explain(self, texts: Sequence[str], found: Sequence[Cues]) -> tuple[list[float], list[Parts]]:
        parts = [cue_parts(c, self.weights) for c in found]
        return [sigmoid(self.bias + sum(p.values())) for p in parts], parts

    @classmethod
    def from_file(cls, path: Path) -> "CueScorer":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["version"], data["bias"], data["weights"], data["threshold"])

    def save(self, path: Path, extra: dict | None = None) -> None:
        weights = {name: float(w) for name, w in self.weights.items()}
        payload = {"version": self.version, "bias": float(self.bias), "threshold": self.threshold, "weights": weights}
        path.write_text(json.dumps(payload | (extra or {}), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass
class ModelScorer:
    """The n-gram model; the cue weights only explain its scores, they do not change them."""

    model: NgramModel
    weights: dict[str, float]

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def score(self, texts: Sequence[str], found: Sequence[Cues]) -> list[float]:
        return self.model.predict_proba(list(texts))

    def explain(self, texts: Sequence[str], found: Sequence[Cues]) -> tuple[list[float], list[Parts]]:
        scores = self.score(texts, found)
        margins = [math.log(max(s, 1e-12) / max(1 - s, 1e-12)) for s in scores]
        parts = [{"model": m} | cue_parts(c, self.weights) for m, c in zip(margins, found, strict=False)]
        return scores, parts if found else [{"model": m} for m in margins]


def configure(paths: dict[str, str | Path]) -> None:
    """Point a language at another trained model directory (from settings or a command)."""
    wanted = {lang: Path(p) for lang, p in paths.items()}
    if any(_paths.get(lang) != path for lang, path in wanted.items()):
        _paths.update(wanted)
        for_language.cache_clear()


def use_encoder(enabled: bool) -> None:
    """Turn the encoder scorer off (or back on) in this process: for benchmarks and tests."""
    if _settings["use_encoder"] != enabled:
        _settings["use_encoder"] = enabled
        for_language.cache_clear()


def model_dir(language: str) -> Path:
    """Where a language's scorer lives: encoder.json.gz, model.json.gz (n-grams), cues.json."""
    return _paths.get(language, DATA / language)


@functools.cache
def for_language(language: str):
    """The best scorer shipped for `language` whose package is installed (see the module docstring)."""
    from claims.nlp.encoder_scorer import EncoderScorer

    directory = model_dir(language)
    cue_file = directory / "cues.json"
    cue_scorer = CueScorer.from_file(cue_file) if cue_file.exists() else _default()
    if _settings["use_encoder"] and (directory / "encoder.json.gz").exists() and encoder.available():
        return EncoderScorer.load(directory)
    if (directory / "model.json.gz").exists():
        return ModelScorer(NgramModel.load(directory), cue_scorer.weights)
    return cue_scorer


def preload(language: str) -> None:
    """Load `language`'s scorer, and the encoder with its weights paged in if the scorer uses it."""
    if encoder.SHORT_NAME in for_language(language).version:
        encoder.embed(["."])


def _default() -> CueScorer:
    return CueScorer(
        "cues-default-1", DEFAULT_WEIGHTS["bias"], dict(DEFAULT_WEIGHTS["weights"]), DEFAULT_WEIGHTS["threshold"]
    )
