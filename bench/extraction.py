"""Extraction speed and memory beside raw spaCy, measured in the same run.

Raw spaCy: the same pipeline (same model, same components, sentencizer included) over the
same paragraphs with nlp.pipe. Ours: the whole extraction (normalise, segment, entities,
attribution, cues, scoring). Memory: peak RSS of a child process that loads the pipeline
and extracts, beside one that only loads spaCy and parses.
"""

import resource
import statistics
import subprocess
import sys
import time

from common import ROOT, SAMPLE, header, need, record, table

from claims.nlp import models
from claims.nlp.pipeline import extract
from claims.nlp.segment import paragraphs

ROUNDS = 7


def article_of(words: int) -> str:
    body = SAMPLE.read_text(encoding="utf-8").split("\n", 2)[2]
    paras = [p for p in body.split("\n\n") if p.strip()]
    out, count, i = [], 0, 0
    while count < words:
        out.append(paras[i % len(paras)])
        count += len(paras[i % len(paras)].split())
        i += 1
    return "\n\n".join(out)


def interleaved(baseline, ours, rounds=ROUNDS) -> tuple[float, float]:
    """Best times of the two, run alternately so that both see the same machine."""
    times = ([], [])
    for _ in range(rounds):
        for fn, bucket in ((baseline, times[0]), (ours, times[1])):
            started = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - started)
    return min(times[0]), min(times[1])


def speed(language: str = "fr") -> None:
    nlp = models.load(language)
    text = article_of(20_000)
    words = len(text.split())
    extract(text[:2000], language)  # warm-up: model, scorer, regexes
    raw, ours = interleaved(
        lambda: list(nlp.pipe([p.text for p in paragraphs(text)], batch_size=64)), lambda: extract(text, language)
    )
    thousand = article_of(1000)
    latencies = sorted(_time(lambda: extract(thousand, language)) for _ in range(20))
    record(
        "extraction, words per second (raw spaCy = baseline)",
        words / ours,
        words / raw,
        "words/s",
        ">= 0.9 of raw",
        raw / ours >= 0.9,
    )
    header(f"Extraction speed ({models.describe(language)}, {words:,} words, best of {ROUNDS})")
    table(
        [
            ["raw spaCy nlp.pipe (baseline)", f"{words / raw:,.0f}", "1.00"],
            ["our whole extraction", f"{words / ours:,.0f}", f"{raw / ours:.2f}"],
        ],
        ["what", "words per second", "share of raw speed"],
    )
    print(
        f"\nA {len(thousand.split())}-word article after warm-up: median "
        f"{statistics.median(latencies) * 1000:.0f} ms, worst of 20 {latencies[-1] * 1000:.0f} ms."
    )


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


CHILD = {
    "raw spaCy: load fr_core_news_sm and parse (baseline)": (
        "import spacy; nlp = spacy.load('fr_core_news_sm'); text = open(r'{sample}').read(); "
        "[nlp(text) for _ in range(3)]"
    ),
    "our worker child: preload and extract": (
        "import sys; sys.path.insert(0, r'{root}'); from claims.nlp import models, scorer; "
        "from claims.nlp.pipeline import extract; models.load('fr'); scorer.for_language('fr'); "
        "text = open(r'{sample}').read(); [extract(text, 'fr') for _ in range(3)]"
    ),
}


def memory() -> None:
    rows = []
    for label, code in CHILD.items():
        script = code.format(root=ROOT, sample=SAMPLE) + (
            "; import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        rows.append([label, f"{int(done.stdout.split()[-1]) / 1024:.0f}"])
    header("Memory of one process (peak RSS)")
    table(rows, ["process", "MB"])


if __name__ == "__main__":
    need(SAMPLE)
    assert resource  # used in the child scripts
    speed()
    memory()
