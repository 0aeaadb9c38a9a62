"""From text to claims: the one entry point the rest of the project calls."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from claims.nlp import models
from claims.nlp.segment import sentences

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Entity:
    text: str
    label: str
    start: int
    end: int


@dataclass
class ExtractedClaim:
    text: str
    start: int
    end: int
    sentence_index: int
    score: float
    reasons: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    claimant: str = ""
    entities: list[Entity] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Extraction:
    language: str
    sentences: int
    claims: list[ExtractedClaim]
    scorer_version: str
    limited_support: bool = False


def extract(text: str, language: str, *, progress: ProgressCallback | None = None) -> Extraction:
    """Every sentence of `text` as a candidate claim, offsets into `text`."""
    nlp = models.load(language)
    found = list(sentences(nlp, text))
    claims = [
        ExtractedClaim(text=text[s.start : s.end], start=s.start, end=s.end, sentence_index=s.index, score=0.0)
        for s in found
    ]
    if progress is not None:
        progress(len(found), len(found))
    return Extraction(
        language=language,
        sentences=len(found),
        claims=claims,
        scorer_version="sentences-0",
        limited_support=models.model_name(language) is None,
    )
