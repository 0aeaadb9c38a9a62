"""Who made the claim: attribution phrases in French and English.

Works on the normalised working copy (plain quotes and apostrophes). Returns the speaker's
name when the attribution names a person ("le directeur de la CIA, Bill Burns" → "Bill
Burns"), else the attribution phrase ("deux responsables américains").
"""

import re

import numpy as np
from spacy.attrs import LEMMA
from spacy.strings import hash_string
from spacy.tokens import Span

from claims.nlp.cues import SPEECH_LEMMAS

_VERBS_FR = (
    r"(?:déclaré|affirmé|dit|annoncé|indiqué|expliqué|estimé|assuré|souligné|ajouté|précisé|confié|rapporté|"
    r"signalé|averti|reconnu|admis|confirmé|démenti|nié|révélé|prévenu|jugé|raconté|écrit|répondu|"
    r"félicité|réjoui|inquiété|alarmé|insisté|martelé|rappelé|lancé|ironisé|tranché|plaidé|commenté|observé|"
    r"noté|poursuivi|conclu|détaillé|résumé|regretté|déploré|alerté|fustigé|défendu|avancé|"
    r"déclare|affirme|dit|annonce|indique|explique|estime|assure|souligne|ajoute|précise|confie|rapporte|"
    r"signale|avertit|reconnaît|admet|confirme|dément|nie|révèle|prévient|juge|raconte|écrit|répond|"
    r"félicite|réjouit|inquiète|insiste|martèle|rappelle|ironise|tranche|plaide|regrette|déplore|fustige)"
    r"(?:e|s|es)?"
)
# "a", "ont", "a-t-il", and the reflexive "s'est" of "s'est félicitée", "s'est-elle réjouie".
_AUX_FR = r"(?:a|ont|avait|avaient|aurait|auraient|\w+-t-il|\w+-t-elle|s'est|se sont|s'était|s'étaient|s'est-\w+)"
_STOP = r"[^,.;:!?\"()–—]"
_NAME = r"[A-ZÉÈÀÂÎÔ][\w'-]+(?:\s+(?:de\s+|da\s+|van\s+|von\s+)?[A-ZÉÈÀÂÎÔ][\w'-]+)+"

# ", a déclaré à CNN le directeur de la CIA, Bill Burns." — an incise after the claim.
_INCISE_FR = re.compile(
    rf"(?:^|[,\"–—]\s*)(?:{_AUX_FR}\s+)?(?:\w+\s+)?(?:{_VERBS_FR})\s+"
    rf"(?:(?:à|au|aux)\s+(?:l'|la\s+|le\s+|les\s+)?[\w-]+\s+)?"
    rf"(?P<who>{_STOP}+?)(?:,\s*(?P<name>{_NAME}))?\s*(?:[,.;:!?)–—]|\bmais\b|\bet\b|$)"
)
_SELON = re.compile(rf"\b(?i:selon|d'après)\s+(?P<who>{_STOP}+?)(?:,\s*(?P<name>{_NAME}))?\s*(?:[,.;:!?)–—]|$)")
_ACCORDING_EN = re.compile(rf"\baccording to\s+(?P<who>{_STOP}+?)(?:,\s*(?P<name>{_NAME}))?\s*(?:[,.;:!?)–—]|$)")
_SAID_AFTER_EN = re.compile(
    rf"(?:^|[,\"]\s*)(?:(?P<who1>{_STOP}{{2,60}}?)\s+(?:said|says|told \w+|stated|added|warned)"
    rf"|(?:said|says|stated|added|warned)\s+(?P<who2>{_STOP}{{2,60}}?))\s*(?:[,.;:!?]|$)"
)
_SPEECH_HASHES = np.array(
    sorted(
        {hash_string(lemma) for lemma in SPEECH_LEMMAS} | {hash_string(lemma.capitalize()) for lemma in SPEECH_LEMMAS}
    ),
    dtype=np.uint64,
)
_PREPOSITION = re.compile(r"\b(?:de|du|des|d'|of|for|from)\b", re.IGNORECASE)
_LEAD_DET = re.compile(r"^(?:l'|d')", re.IGNORECASE)
# "les chiffres publiés mardi par l'Insee" → "l'Insee"; "une étude de l'Inserm" → "l'Inserm".
_DOCUMENT = re.compile(
    r"^(?:les?|la|l'|une?|des|ses|leurs?)\s*(?:(?:derni|nouv|premi)\w+\s+)?"
    r"(?:chiffres|données|étude|rapport|sondage|enquête|statistiques|estimations|calculs|bilan|note|comptes|"
    r"projections|prévisions|décompte|relevés?|figures|data|study|report|survey|poll|estimates)\b",
    re.IGNORECASE,
)
_AGENT = re.compile(
    r"\b(?:par|by)\s+(?P<agent>.+)$|\b(?:de|du|des|of)\s+(?P<owner>(?:l'|la\s+|le\s+|les\s+|the\s+)?.+)$"
)
_NOT_A_SPEAKER = re.compile(r"^(?:que|qu'|il|elle|ils|elles|on|ce|cela|ça|he|she|they|it|that|this)\b", re.IGNORECASE)


def claimant(span: Span, language: str) -> str:
    """The attributed speaker of a sentence, or "" if the sentence names none."""
    text = span.text
    if language == "fr":
        for pattern in (_INCISE_FR, _SELON):
            found = _speaker(pattern, text)
            if found:
                return _source_of(found)
        return _subject_of_speech_verb(span)
    for pattern in (_ACCORDING_EN, _SAID_AFTER_EN):
        found = _speaker(pattern, text)
        if found:
            return _source_of(found)
    return _subject_of_speech_verb(span)


def _speaker(pattern: re.Pattern, text: str) -> str:
    for match in pattern.finditer(text):
        groups = match.groupdict()
        name = groups.get("name")
        who = next((groups[g] for g in ("who", "who1", "who2") if groups.get(g)), "")
        who = who.strip()
        if name:
            return name.strip()
        if who and not _NOT_A_SPEAKER.match(who) and len(who.split()) <= 14:
            return _person_in(who) or who
    return ""


def _source_of(phrase: str) -> str:
    """The author of a document named as the source: "les chiffres publiés par l'Insee" → "l'Insee"."""
    if not _DOCUMENT.match(phrase):
        return phrase
    match = _AGENT.search(phrase)
    if match is None:
        return phrase
    return (match.group("agent") or match.group("owner")).strip()


def _person_in(phrase: str) -> str:
    """The name ending a titled phrase: "le président russe Vladimir Poutine" → "Vladimir Poutine".

    Not when the name sits in a complement: "les collaborateurs du président Joe Biden" stays whole.
    """
    match = re.search(rf"({_NAME})$", phrase)
    if not match or match.start() == 0 or _PREPOSITION.search(phrase[: match.start()]):
        return ""
    return match.group(1)


def _speech_verb_positions(span: Span) -> list[int]:
    """Token indices of verbs of saying, found with one array lookup per paragraph."""
    mask = span.doc.user_data.get("_speech_verbs")
    if mask is None:
        mask = span.doc.user_data["_speech_verbs"] = np.isin(span.doc.to_array(LEMMA), _SPEECH_HASHES)
    hits = np.nonzero(mask[span.start : span.end])[0]
    return [span.start + int(i) for i in hits]


def _contiguous_phrase(head) -> str:
    """The head's subtree, but only the unbroken run around it (no fronted clause before a comma)."""
    inside = {t.i for t in head.subtree}
    doc, start, end = head.doc, head.i, head.i
    while start - 1 in inside and not doc[start - 1].is_punct:
        start -= 1
    while end + 1 in inside and not doc[end + 1].is_punct:
        end += 1
    return doc[start : end + 1].text.strip(" ,")


def _subject_of_speech_verb(span: Span) -> str:
    """ "Les responsables américains ont déclaré que…": the subject of a verb of saying."""
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return ""
    for i in _speech_verb_positions(span):
        token = doc[i]
        if token.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubj:pass")]
        if not subjects:
            continue
        phrase = _contiguous_phrase(subjects[0])
        if phrase and not _NOT_A_SPEAKER.match(phrase) and len(phrase.split()) <= 14:
            phrase = _LEAD_DET.sub("", phrase) if len(phrase.split()) == 1 else phrase
            return _person_in(phrase) or phrase
    return ""
