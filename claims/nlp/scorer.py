"""Check-worthiness scores from 0 to 1, with the weights that explain them.

French (and any language without a trained model): a weighted sum of readable cues,
tuned on the French claim data. English: the trained n-gram model when shipped, its
reasons still given by the cues.
"""

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.nlp.cues import Cues
from claims.nlp.ngram import NgramModel

DATA = Path(__file__).resolve().parent / "data"
_paths: dict[str, Path] = {}

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
        "hedge": -0.4,
        "first_person": -0.6,
        "short": -1.5,
        "long": -0.2,
        "no_verb": -1.0,
    },
}


@dataclass
class CueScorer:
    version: str
    bias: float
    weights: dict[str, float]
    threshold: float

    def score(self, texts: Sequence[str], found: Sequence[Cues]) -> list[float]:
        return [self._one(c) for c in found]

    def _one(self, found: Cues) -> float:
        margin = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in found.values.items())
        return 1.0 / (1.0 + math.exp(-margin))

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


def configure(paths: dict[str, str | Path]) -> None:
    """Point a language at another trained model directory (from settings or a command)."""
    wanted = {lang: Path(p) for lang, p in paths.items()}
    if any(_paths.get(lang) != path for lang, path in wanted.items()):
        _paths.update(wanted)
        for_language.cache_clear()


def model_dir(language: str) -> Path:
    """Where a language's scorer lives: cues.json (tuned cue weights), model.json.gz (n-grams)."""
    return _paths.get(language, DATA / language)


@functools.cache
def for_language(language: str) -> CueScorer | ModelScorer:
    directory = model_dir(language)
    cue_file = directory / "cues.json"
    cue_scorer = CueScorer.from_file(cue_file) if cue_file.exists() else _default()
    if (directory / "model.json.gz").exists():
        return ModelScorer(NgramModel.load(directory), cue_scorer.weights)
    return cue_scorer


def _default() -> CueScorer:
    return CueScorer(
        "cues-default-1", DEFAULT_WEIGHTS["bias"], dict(DEFAULT_WEIGHTS["weights"]), DEFAULT_WEIGHTS["threshold"]
    )
