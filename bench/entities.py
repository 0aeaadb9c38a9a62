"""Entity labels on the cases a reader saw wrong: spaCy alone and with our rule layer, small and medium models.

The cases are the sample article's errors and the attribution examples of the issue that
asked for the rule layer, so they measure the rules on what they were written for: a
check that fr_core_news_md would not have done the job alone, not a general NER score.
"""

import importlib.util
import json
import resource
import subprocess
import sys
import time

import spacy
from common import SAMPLE, header, need, table

from claims.nlp.entities import entities
from claims.nlp.normalise import normalise

# (sentence, entity, expected label; None: must not be an entity)
GOLD = [
    ("il n’est pas clair pour Washington si le gouvernement central en est conscient", "Washington", "PLACE"),
    ("CNN a contacté l’ambassade de Chine à Washington pour obtenir des commentaires.", "Washington", "PLACE"),
    ("Bloomberg a d’abord signalé le contact entre l’administration Biden et Pékin.", "Bloomberg", "ORG"),
    ("Bloomberg a d’abord signalé le contact entre l’administration Biden et Pékin.", "Biden", "PERSON"),
    ("Les responsables ont refusé de détailler les échanges entre l’administration Biden et Pékin.", "Biden", "PERSON"),
    ("Le secrétaire d’État Tony Blinken se rendra en Chine dans les semaines à venir.", "État", None),
    ("Le secrétaire d’État Tony Blinken se rendra en Chine dans les semaines à venir.", "Tony Blinken", "PERSON"),
    ("L’administration Biden a récemment fait part de ses inquiétudes à la Chine.", "Biden", "PERSON"),
    ("Alors que l’administration Biden évalue toujours l’impact du soutien.", "Biden", "PERSON"),
    ("« Le chômage a baissé », s’est félicitée la ministre, Catherine Vautrin.", "Catherine Vautrin", "PERSON"),
    ("D’après la CGT, 300 000 personnes ont manifesté à Paris.", "CGT", "ORG"),
    ("Le chômage a reculé de 0,3 point, selon les chiffres publiés mardi par l’Insee.", "Insee", "ORG"),
    ("Judy Woodruff de PBS en décembre.", "PBS", "ORG"),
    ("a déclaré le directeur de la CIA, Bill Burns.", "CIA", "ORG"),
]
_SPACY = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG", "MISC": "MISC"}


def errors(nlp, rules: bool) -> int:
    bad = 0
    for sentence, entity, wanted in GOLD:
        doc = nlp(normalise(sentence))
        if rules:
            found = {e.text: e.label for e in entities(doc[:], 0)}
        else:
            found = {e.text.removeprefix("l'").removeprefix("d'"): _SPACY.get(e.label_) for e in doc.ents}
        bad += found.get(entity) != wanted
    return bad


def one(name: str) -> None:
    """In its own process, so that peak memory is this model's alone."""
    body = SAMPLE.read_text(encoding="utf-8").split("\n", 2)[2]
    paragraphs = [p for p in normalise(body).split("\n") if p.strip()]
    nlp = spacy.load(name)
    started = time.perf_counter()
    for _ in range(3):
        list(nlp.pipe(paragraphs))
    parse = (time.perf_counter() - started) / 3
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps([name, errors(nlp, False), errors(nlp, True), f"{parse * 1000:.0f}", f"{peak:.0f}"]))


def main() -> None:
    rows = []
    for name in ("fr_core_news_sm", "fr_core_news_md"):
        if importlib.util.find_spec(name) is None:
            rows.append([name, "not installed", "", "", ""])
            continue
        done = subprocess.run([sys.executable, __file__, name], capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.splitlines()[-1]))
    header(f"Entity labels: errors on {len(GOLD)} cases a reader saw wrong")
    table(rows, ["spaCy model", "errors, spaCy alone", "errors, with our rules", "sample parse ms", "peak RSS MB"])


if __name__ == "__main__":
    need(SAMPLE)
    if len(sys.argv) > 1:
        one(sys.argv[1])
    else:
        main()
