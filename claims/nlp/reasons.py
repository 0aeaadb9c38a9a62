"""Why a sentence scored as it did: reasons as codes with parameters, never as prose.

The web app renders a code in the reader's language (claims/templatetags). A reason is
kept only when it sets the sentence apart from the rest of its text: a part of the score
(a cue's weight times its value, or the model's own share) counts when it is at least
MARGIN above the same part for the text's average sentence. "Names a place" on every
sentence of an article about China, or "sums up the text" on all of them, tells an
editor nothing, so it is not shown. A part that more than half of the text's sentences reach
("relates a past event" in a news story) is shown only when nothing rarer sets the sentence
apart, so that a kept claim always says why.
"""

import bisect
from collections.abc import Sequence

from claims.nlp.cues import Cues

# Every code the app knows how to render; a part of the score outside these is not shown.
CODES = (
    "model",
    "figure",
    "date",
    "person",
    "organisation",
    "place",
    "reported",
    "quote",
    "comparison",
    "prediction",
    "causal",
    "event",
    "lede",
    "central",
    "repeated",
)
# The cue detail each code carries, under the parameter name its message uses.
PARAMS = {
    "figure": "items",
    "date": "items",
    "person": "names",
    "organisation": "names",
    "place": "names",
    "reported": "who",
}
MARGIN = 0.15  # in log-odds: about a 4 % change of a mid-range score
MAX_REASONS = 4
COMMON = 0.5  # a cue on more than this share of the text's sentences is not what sets one apart
MIN_SENTENCES_TO_COMPARE = 3


def reasons(parts: Sequence[dict[str, float]], found: Sequence[Cues]) -> list[list[dict]]:
    """For each sentence, its distinguishing reasons, strongest first.

    `parts` are the additive parts of each sentence's log-odds, by code. With fewer than
    three sentences there is nothing to compare with, and the parts count as they are.
    """
    compare = len(parts) >= MIN_SENTENCES_TO_COMPARE
    names = {name for p in parts for name in p if name in CODES}
    values = {n: sorted(p.get(n, 0.0) for p in parts) for n in names} if compare else {}
    mean = {n: sum(v) / len(v) for n, v in values.items()}
    return [_distinguishing(p, cue, values, mean) for p, cue in zip(parts, found, strict=True)]


def _distinguishing(
    part: dict[str, float], found: Cues, values: dict[str, list[float]], mean: dict[str, float]
) -> list[dict]:
    rare, common = [], []
    for name, value in part.items():
        if name not in CODES or (name != "model" and (value <= 0 or not found.values.get(name))):
            continue
        gap = value - mean.get(name, 0.0)
        if gap < MARGIN:
            continue
        # Shared by more than half of the text's sentences at this sentence's level or above: shown
        # only when nothing rarer sets the sentence apart.
        others = values.get(name)
        as_high = len(others) - bisect.bisect_left(others, value - 1e-9) if others else 0
        (common if others and as_high > len(others) * COMMON else rare).append((gap, name))
    chosen = sorted(rare, reverse=True)[:MAX_REASONS] or sorted(common, reverse=True)[:1]
    return [reason(name, found) for _gap, name in chosen]


def reason(code: str, found: Cues | None = None) -> dict:
    param = PARAMS.get(code)
    detail = found.details.get(code, "") if found is not None and param else ""
    return {"code": code, "params": {param: detail} if detail else {}}
