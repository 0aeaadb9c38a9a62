"""What makes a sentence worth checking, as features a journalist can read.

Each cue is a named feature with a value; the scorer weighs them, the claim shows the
ones that raised its score as reasons, and some of them name the claim's types.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IS_ALPHA, POS
from spacy.symbols import AUX, VERB
from spacy.tokens import Span

from claims.nlp.types import Entity

_SPEECH_FR = [
    "déclarer",
    "dire",
    "affirmer",
    "annoncer",
    "indiquer",
    "expliquer",
    "estimer",
    "assurer",
    "souligner",
    "ajouter",
    "préciser",
    "confier",
    "rapporter",
    "signaler",
    "avertir",
    "reconnaître",
    "admettre",
    "confirmer",
    "démentir",
    "nier",
    "révéler",
    "prévenir",
    "juger",
    "considérer",
    "penser",
    "croire",
    "accuser",
    "dénoncer",
    "promettre",
    "répondre",
    "raconter",
    "écrire",
]
_SPEECH_EN = [
    "say",
    "says",
    "said",
    "tell",
    "told",
    "state",
    "stated",
    "claim",
    "claimed",
    "announce",
    "announced",
    "report",
    "reported",
    "add",
    "added",
    "warn",
    "warned",
    "insist",
    "insisted",
    "argue",
    "argued",
    "note",
    "noted",
    "confirm",
    "confirmed",
    "deny",
    "denied",
    "reveal",
    "revealed",
    "think",
    "thinks",
    "believe",
    "believes",
]
SPEECH_LEMMAS = frozenset(_SPEECH_FR + _SPEECH_EN)

_PATTERNS = {
    "comparison": re.compile(
        r"\b(?:plus|moins|davantage|autant)\b.{0,60}\b(?:que|qu')|\ble plus\b|\bla plus\b|\bles plus\b|\brecord\b|"
        r"\b(?:hausse|baisse|augment\w*|diminu\w*|doubl\w*|tripl\w*|recul\w*|progress\w*|chut\w*)\b|"
        r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|better|worse)\b.{0,40}\bthan\b|"
        r"\b(?:most|least|increase\w*|decrease\w*|rose|risen|fell|fallen|doubled|tripled|record)\b",
        re.IGNORECASE,
    ),
    "causal": re.compile(
        r"\b(?:parce que|parce qu'|à cause d|en raison d|grâce à|provoqu\w*|entraîn\w*|caus\w*|"
        r"because|due to|caused|causes|leads? to|led to|result(?:s|ed)? in)\b",
        re.IGNORECASE,
    ),
    "prediction": re.compile(
        r"\b(?:devrai(?:t|ent)|va|vont|prévoi\w*|prévu\w*|d'ici \d{4}|à venir|"
        r"will|going to|expected to|is set to|by 20\d\d)\b",
        re.IGNORECASE,
    ),
    "reported": re.compile(r"\b(?:selon|d'après|according to)\b", re.IGNORECASE),
    "conditional": re.compile(r"^\W*(?:si|s'il|s'ils|if|unless|à moins)\b", re.IGNORECASE),
    "opinion": re.compile(
        r"\b(?:je pense|je crois|à mon avis|selon moi|il faut|nous devons|I think|I believe|I feel|in my opinion|"
        r"we (?:must|should|need to)|let me|thank you|merci)\b",
        re.IGNORECASE,
    ),
    "call_to_action": re.compile(
        r"\b(?:partagez|faites tourner|fais circuler|share this|cliquez|click)\b", re.IGNORECASE
    ),
    "hedge": re.compile(r"\b(?:peut-être|semble\w*|pourrai\w*|maybe|perhaps|might|could)\b", re.IGNORECASE),
    # The newsroom's own procedure, not a statement about the world: asking for comment, who
    # reported it first, who contributed.
    "procedural": re.compile(
        r"\b(?:(?:a|ont|avons) contacté|(?:contacté|sollicité)e?s? par|pour (?:obtenir )?(?:un |des )?commentaires?|"
        r"n'(?:a|ont) pas (?:encore |immédiatement )?(?:répondu|souhaité|voulu)|"
        r"(?:a|ont) refusé de (?:commenter|réagir)|"
        r"(?:a|ont) d'abord (?:signalé|rapporté|révélé)|reached out|for comment|did not (?:immediately )?respond|"
        r"declined to comment|first reported|contributed to this report)\b",
        re.IGNORECASE,
    ),
    "first_person": re.compile(r"\b(?:je|j'|me|moi|I|I'm|I've|my)\b"),
}

# Literal fragments at least one of which every match contains: the regex runs only then,
# which makes the cues several times cheaper (most sentences trigger few of them).
_TRIGGERS = {
    "comparison": (
        "plus",
        "moins",
        "davantage",
        "autant",
        "record",
        "hauss",
        "baiss",
        "augment",
        "diminu",
        "doubl",
        "tripl",
        "recul",
        "progress",
        "chut",
        "more",
        "less",
        "fewer",
        "higher",
        "lower",
        "larger",
        "smaller",
        "bigger",
        "better",
        "worse",
        "most",
        "least",
        "increase",
        "decrease",
        "rose",
        "risen",
        "fell",
        "fallen",
    ),
    "causal": (
        "parce",
        "cause",
        "raison",
        "grâce",
        "provoqu",
        "entraîn",
        "caus",
        "because",
        "due to",
        "lead",
        "led to",
        "result",
    ),
    "prediction": (
        "devrai",
        "va",
        "vont",
        "prévoi",
        "prévu",
        "d'ici",
        "venir",
        "will",
        "going to",
        "expected",
        "set to",
        "by 20",
    ),
    "reported": ("selon", "d'après", "according"),
    "opinion": (
        "je pense",
        "je crois",
        "avis",
        "selon moi",
        "il faut",
        "nous devons",
        "i think",
        "i believe",
        "i feel",
        "opinion",
        "we must",
        "we should",
        "we need",
        "let me",
        "thank",
        "merci",
    ),
    "call_to_action": ("partagez", "tourner", "circuler", "share this", "cliquez", "click"),
    "hedge": ("peut-être", "sembl", "pourrai", "maybe", "perhaps", "might", "could"),
    "procedural": (
        "contact",
        "sollicit",
        "comment",
        "répondu",
        "souhaité",
        "voulu",
        "refusé",
        "d'abord",
        "reached",
        "respond",
        "first reported",
        "contributed",
    ),
}

# Cue name -> claim type it names.
TYPE_OF = {
    "figure": "quantity",
    "quote": "quote",
    "reported": "reported_statement",
    "event": "event",
    "prediction": "prediction",
    "comparison": "comparison",
    "causal": "causal",
}

_VERB_POS = np.array([VERB, AUX], dtype=np.uint64)
_QUOTES = re.compile(r"[\"“”«»]")


@dataclass
class Cues:
    values: dict[str, float] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)

    def types(self) -> list[str]:
        return [TYPE_OF[name] for name in TYPE_OF if self.values.get(name)]


def cues(span: Span, original: str, ents: list[Entity], attribution: str) -> Cues:
    """The cues of one sentence. `original` is its text as published (curly quotes and all)."""
    text = span.text
    found = Cues()

    def mark(name: str, value: float = 1.0, detail: str = "") -> None:
        found.values[name] = value
        if detail:
            found.details[name] = detail

    by_label = {}
    for ent in ents:
        by_label.setdefault(ent.label, []).append(ent.text)
    for label, name in (
        ("FIGURE", "figure"),
        ("DATE", "date"),
        ("PERSON", "person"),
        ("ORG", "organisation"),
        ("PLACE", "place"),
    ):
        if label in by_label:
            mark(
                name,
                min(3, len(by_label[label])) / 3 if name in ("person", "organisation", "place") else 1.0,
                ", ".join(dict.fromkeys(by_label[label]))[:80],
            )
    lowered = text.lower()
    for name, pattern in _PATTERNS.items():
        triggers = _TRIGGERS.get(name)
        if triggers is not None and not any(t in lowered for t in triggers):
            continue
        if pattern.search(text):
            mark(name)
    if attribution:
        mark("reported", detail=attribution)
    if len(_QUOTES.findall(original)) >= 2:
        mark("quote")
    if text.rstrip().endswith("?"):
        mark("question")
    if text.rstrip().endswith("!"):
        mark("exclamation")
    _tokens(span, mark)
    return found


def _tokens(span: Span, mark) -> None:
    """Length, and tense and mood where the pipeline has a parser; Token objects only for verbs."""
    doc = span.doc
    arrays = doc.user_data.get("_alpha_pos")
    if arrays is None:
        arrays = doc.user_data["_alpha_pos"] = doc.to_array([IS_ALPHA, POS])
    rows = arrays[span.start : span.end]
    words = int(rows[:, 0].sum())
    mark("length", min(words, 50) / 50)
    if words < 6:
        mark("short")
    elif words > 45:
        mark("long")
    if not doc.has_annotation("MORPH"):
        return
    verbs = np.nonzero(np.isin(rows[:, 1], _VERB_POS))[0]
    if not len(verbs):
        mark("no_verb")
    for i in verbs:
        token = doc[span.start + int(i)]
        morph = token.morph
        if "Fut" in morph.get("Tense"):
            mark("prediction")
        if token.dep_ == "ROOT":
            if "Cnd" in morph.get("Mood"):
                mark("conditional_mood")
            if "Past" in morph.get("Tense") or _is_passe_compose(token):
                mark("event")


def _is_passe_compose(verb) -> bool:
    return "Part" in verb.morph.get("VerbForm") and any(c.dep_ in ("aux:tense", "aux") for c in verb.children)


_CONTEXT_WORD = re.compile(r"\w{4,}")


def add_context(found: list[Cues], texts: list[str], repeats: list[int] | None = None) -> None:
    """Cues that depend on the whole text: the lede, centrality, repetition."""
    bags = [set(_CONTEXT_WORD.findall(t.lower())) for t in texts]
    total = Counter(word for bag in bags for word in bag)
    n = len(texts)
    for i, cue in enumerate(found):
        if i == 0:
            cue.values["lede"] = 1.0
        cue.values["early"] = max(0.0, 1.0 - i / 5)  # the lede area only: late claims in long articles count too
        others = sum(total[w] - 1 for w in bags[i])
        cue.values["central"] = min(1.0, others / (3 * max(1, len(bags[i])))) if n > 1 else 0.0
        if repeats and repeats[i] > 1:
            cue.values["repeated"] = 1.0
