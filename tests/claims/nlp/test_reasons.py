"""Reasons set a sentence apart from the rest of its text (claims/nlp/reasons.py)."""

from claims.nlp.cues import Cues
from claims.nlp.reasons import reasons


def _cues(**values) -> Cues:
    return Cues(values=dict(values), details={})


def test_a_cue_most_sentences_share_gives_way_to_a_rarer_one_and_is_kept_when_it_is_all_there_is():
    # "event" on four of six sentences: above the average, but not what sets a sentence apart.
    parts = [
        {"model": 0.0, "event": 0.8, "figure": 1.2},
        {"model": 0.0, "event": 0.8},
        {"model": 0.0, "event": 0.8},
        {"model": 0.0, "event": 0.8},
        {"model": 0.0},
        {"model": 0.0},
    ]
    found = [_cues(event=1, figure=1), _cues(event=1), _cues(event=1), _cues(event=1), _cues(), _cues()]
    codes = [[r["code"] for r in sentence] for sentence in reasons(parts, found)]
    assert codes[0] == ["figure"]  # the figure, not the event every other sentence relates
    assert codes[1:4] == [["event"]] * 3  # nothing rarer: the common cue is still a reason
    assert codes[4:] == [[], []]


def test_a_cue_on_half_the_sentences_or_fewer_is_shown_as_before():
    parts = [{"model": 0.0, "event": 0.8}, {"model": 0.0, "event": 0.8}, {"model": 0.0}, {"model": 0.0}]
    found = [_cues(event=1), _cues(event=1), _cues(), _cues()]
    assert [[r["code"] for r in s] for s in reasons(parts, found)] == [["event"], ["event"], [], []]


def test_with_fewer_than_three_sentences_the_parts_count_as_they_are():
    parts = [{"model": 0.5, "event": 0.8}, {"model": 0.5, "event": 0.8}]
    found = [_cues(event=1), _cues(event=1)]
    assert [[r["code"] for r in s] for s in reasons(parts, found)] == [["event", "model"]] * 2
