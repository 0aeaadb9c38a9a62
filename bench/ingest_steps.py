"""Where a worker's time goes per article: the steps of extraction and matching, timed in one process.

Run by bench/ingest.py after its API run, on the same PostgreSQL database (so the matching index holds
that run's claims, as a desk's would): BENCH_STEPS_ARTICLES more articles go through the worker's own
functions (`article_extract`, then `article_match`) in this process, and the CPU time of each step is
summed: the NLP (spaCy and the scorer, whose encoder calls are shown apart), storing the claims, and
matching, whose encoder calls (the claims embedded as documents of the index, and as queries when
their scorer's vectors are not in the shared store) are shown apart from the rest of it (index
refresh, search, match rows).
"""

import collections
import os
import sys
import time
from pathlib import Path

ARTICLES = int(os.environ.get("BENCH_STEPS_ARTICLES", 40))


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")
    import django

    django.setup()
    from common import header, table
    from ingest import texts

    from claims.models import Article, Claim
    from claims.nlp import encoder, models, pipeline
    from claims.services import extraction, matching

    spent, embedded = collections.Counter(), collections.Counter()
    step = [""]  # which step is running: the encoder's calls are charged to it

    def timed(name, fn):
        def run(*args, **kwargs):
            outer, step[0] = step[0], name
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started
                step[0] = outer

        return run

    compute = encoder._compute  # where the model runs: a vector found in the shared store costs nothing here

    def counted_compute(texts_, batch, max_chars, query):
        kind = "queries" if query else "documents"
        name = "encoder, sentences" if step[0] == "NLP" else f"encoder, claims as {kind}"
        started = time.process_time()
        try:
            return compute(texts_, batch, max_chars, query)
        finally:
            spent[name] += time.process_time() - started
            embedded[name] += len(texts_)

    encoder._compute = counted_compute
    pipeline.extract = timed("NLP", pipeline.extract)
    extraction._store = timed("store", extraction._store)
    models.load("fr")
    pipeline.extract("Le chômage a baissé de 2 % en 2023, selon l'Insee.", "fr")  # warm-up: models, scorer
    spent.clear()
    embedded.clear()
    run = time.time_ns()  # new texts each run: the desk refuses an article it already holds
    bodies = [f"Steps {run}-{n}. " + body for n, body in enumerate(texts()[:ARTICLES])]
    before = Claim.objects.count()
    started = time.process_time()
    for n, body in enumerate(bodies):
        # The token only says which queued run is current (claims.services.extraction); not a secret.
        article = Article.objects.create(
            title=f"Steps {n}",
            body=body,
            language="fr",
            outlet="Bench",
            extraction_status="queued",
            extraction_token="s",  # noqa: S106
        )
        timed("extraction task", extraction.article_extract)(article_id=article.pk, token="s")  # noqa: S106
        timed("matching task", matching.article_match)(article_id=article.pk)
    total = time.process_time() - started
    claims = (Claim.objects.count() - before) / ARTICLES
    per = {name: seconds * 1000 / ARTICLES for name, seconds in spent.items()}
    nlp_own = per["NLP"] - per.get("encoder, sentences", 0)
    match_embed = per.get("encoder, claims as documents", 0) + per.get("encoder, claims as queries", 0)
    rows = [
        ["extraction: spaCy, cues, attribution, scoring (without the encoder)", nlp_own],
        ["extraction: the encoder on candidate sentences", per.get("encoder, sentences", 0)],
        ["extraction: storing the claims", per["store"]],
        [
            "extraction: the rest of the task (claiming the article, progress)",
            per["extraction task"] - per["NLP"] - per["store"],
        ],
        ["matching: the encoder, each claim as a document of the index", per.get("encoder, claims as documents", 0)],
        ["matching: the encoder, each claim as a query", per.get("encoder, claims as queries", 0)],
        ["matching: the rest (index refresh, search, re-ranking, match rows)", per["matching task"] - match_embed],
    ]
    header(f"Where a worker's time goes: {ARTICLES} more articles in one process, {claims:.1f} claims each")
    table(
        [[what, f"{ms:,.1f}", f"{ms / (total * 1000 / ARTICLES):.2f}"] for what, ms in rows],
        ["step", "CPU ms per article", "share"],
    )
    print(
        f"\nIn all {total * 1000 / ARTICLES:,.0f} ms of CPU per article. Texts embedded per article: "
        + ", ".join(f"{name.removeprefix('encoder, ')} {count / ARTICLES:.1f}" for name, count in embedded.items())
        + "."
    )


if __name__ == "__main__":
    main()
