"""Plain dataclasses passed between the NLP modules and out of the package."""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # PERSON, ORG, PLACE, MISC, DATE, FIGURE
    start: int
    end: int


@dataclass
class ExtractedClaim:
    text: str
    start: int
    end: int
    sentence_index: int
    score: float
    reasons: list[dict] = field(default_factory=list)  # {"code": …, "params": {…}} (claims/nlp/reasons.py)
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
    threshold: float | None = None  # the score from which a sentence was kept (the scorer's or the caller's)
