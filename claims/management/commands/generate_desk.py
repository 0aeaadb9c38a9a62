"""A realistic desk for benchmarks: articles, claims in every status, and the work around them.

Texts recombine the sample article's sentences and claims-fr posts (when ../shared/data is
there); every claim is an exact span of its article. Bulk inserts throughout.
"""

import csv
import random
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from claims.models import Article, Assignment, BlindRating, Claim, ClaimEvent, Evidence, Review, Verdict
from claims.models.articles import content_hash
from claims.workflow import CHECKER_GROUP, EDITOR_GROUP

SHARED = Path(settings.BASE_DIR).parent / "shared"
# Share of claims per status, in workflow order.
STATUSES = [
    ("detected", 40),
    ("dismissed", 15),
    ("to_check", 10),
    ("assigned", 10),
    ("in_progress", 10),
    ("in_review", 5),
    ("approved", 10),
]
WORKED = {"assigned", "in_progress", "in_review", "approved"}
RATINGS = ["false", "mostly_false", "misleading", "mostly_true", "true", "unverifiable"]
_SENTENCE = re.compile(r"[^.!?\n]{30,400}[.!?]")


class Command(BaseCommand):
    help = "Fill the database with a realistic desk (for benchmarks): --articles 10000 --claims 100000 --users 20."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--claims", type=int, default=100_000)
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=5_000)

    def handle(self, *args, articles, claims, users, seed, batch, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        sentences = _sentences()
        with transaction.atomic():
            editors, checkers = _users(users, seed)
            made = _articles(rng, sentences, articles, max(1, claims // max(1, articles)), seed, batch)
            rows = _claims(rng, made, claims, checkers, batch)
            _work(rng, rows, editors, checkers, batch)
        if connection.vendor == "postgresql":
            # What autovacuum does to a desk that grew over months: visibility map and planner statistics. Without
            # it the planner guesses 140 detected claims out of 40,000 and counts them through the heap (28 ms, not 11).
            # (VACUUM cannot run inside a transaction: a test's database gets the statistics alone.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            f"{len(made)} articles, {len(rows)} claims, {len(editors) + len(checkers)} users "
            f"in {time.monotonic() - started:.1f} s"
        )


def _sentences() -> list[str]:
    found = []
    sample = SHARED / "samples" / "cnn-2023-01-chine-russie-fr.txt"
    if sample.exists():
        found += _SENTENCE.findall(sample.read_text(encoding="utf-8"))
    posts = SHARED / "data" / "claims-fr" / "train.csv"
    if posts.exists():
        csv.field_size_limit(sys.maxsize)
        with posts.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found += _SENTENCE.findall(row["post"][:3000])
    found = [s.strip() for s in found if s.strip()]
    return list(dict.fromkeys(found)) or ["Le chômage a baissé de 2 % en 2023, selon l'INSEE."]


def _users(count: int, seed: int):
    User = get_user_model()
    password = make_password(f"desk-{seed}")  # hashed once: the same for every generated user
    groups = {name: Group.objects.get(name=name) for name in (EDITOR_GROUP, CHECKER_GROUP)}
    editors, checkers = [], []
    for n in range(count):
        role = EDITOR_GROUP if n % 2 else CHECKER_GROUP
        user, _ = User.objects.get_or_create(username=f"desk-{role.lower()}-{n}", defaults={"password": password})
        user.groups.add(groups[role])
        (editors if role == EDITOR_GROUP else checkers).append(user)
    return editors or checkers, checkers or editors


def _articles(rng, sentences, count, per_article, seed, batch) -> list[tuple[Article, list[tuple[int, int]]]]:
    """Articles and the spans of their sentences (where claims may go)."""
    made, rows = [], []
    for n in range(count):
        picked = rng.sample(sentences, k=min(len(sentences), per_article + rng.randint(2, 6)))
        body, spans, cursor = [], [], 0
        for i, sentence in enumerate(picked):
            separator = "\n\n" if i and i % 3 == 0 else " " if i else ""
            cursor += len(separator)
            body.append(separator + sentence)
            spans.append((cursor, cursor + len(sentence)))
            cursor += len(sentence)
        text = "".join(body) + f"\n\nDépêche n° {seed}-{n}."
        article = Article(
            title=picked[0][:120],
            body=text,
            content_hash=content_hash(text),
            language="fr",
            outlet=rng.choice(["CNN", "Le Monde", "AFP", "France Info", "Libération"]),
            extraction_status="extracted",
            progress_done=len(spans),
            progress_total=len(spans),
            published_on=timezone.localdate() - timedelta(days=rng.randint(0, 700)),
        )
        rows.append(article)
        made.append((article, spans))
    Article.objects.bulk_create(rows, batch_size=batch)
    return made


def _claims(rng, made, count, checkers, batch) -> list[Claim]:
    """`count` distinct sentence spans (every article has more sentences than its share of claims)."""
    spans = [(article, index, start, end) for article, found in made for index, (start, end) in enumerate(found)]
    chosen = sorted(rng.sample(spans, k=min(count, len(spans))), key=lambda s: (s[0].pk, s[2]))
    names, weights = zip(*STATUSES, strict=True)
    rows = []
    for article, index, start, end in chosen:
        status = rng.choices(names, weights)[0]
        worked = status in WORKED
        rows.append(
            Claim(
                article=article,
                text=article.body[start:end],
                start=start,
                end=end,
                sentence_index=index,
                score=round(rng.random(), 3),
                reasons=[{"code": "figure", "params": {}}],
                types=["quantity"],
                claimant=article.outlet,
                status=status,
                scorer_version="generated",
                assignee=rng.choice(checkers) if worked else None,
                due_date=timezone.localdate() + timedelta(days=rng.randint(-5, 10)) if worked else None,
            )
        )
    return Claim.objects.bulk_create(rows, batch_size=batch)


def _work(rng, claims, editors, checkers, batch) -> None:
    now = timezone.now()
    assignments, evidence, verdicts, events = [], [], [], []
    for claim in claims:
        if claim.status != "detected":
            events.append(
                ClaimEvent(
                    claim=claim,
                    actor=rng.choice(editors),
                    kind="status",
                    from_status="detected",
                    to_status="dismissed" if claim.status == "dismissed" else "to_check",
                )
            )
        if claim.status not in WORKED:
            continue
        assignments.append(
            Assignment(claim=claim, assignee=claim.assignee, assigned_by=rng.choice(editors), due_date=claim.due_date)
        )
        events.append(ClaimEvent(claim=claim, actor=rng.choice(editors), kind="assigned"))
        if claim.status in ("in_progress", "in_review", "approved"):
            evidence.append(
                Evidence(
                    claim=claim, url="https://www.insee.fr/", title="INSEE", stance="context", added_by=claim.assignee
                )
            )
        if claim.status in ("in_review", "approved"):
            verdicts.append(
                Verdict(
                    claim=claim,
                    rating=rng.choice(RATINGS),
                    summary="Résumé du verdict.",
                    author=claim.assignee,
                    submitted_at=now,
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=batch)
    Evidence.objects.bulk_create(evidence, batch_size=batch)
    Verdict.objects.bulk_create(verdicts, batch_size=batch)
    approved = [v for v in verdicts if v.claim.status == "approved"]
    reviewers = [rng.choice(editors) for _v in approved]
    Review.objects.bulk_create(
        [Review(verdict=v, reviewer=r, decision="approve") for v, r in zip(approved, reviewers, strict=True)],
        batch_size=batch,
    )
    pairs = list(zip(approved, reviewers, strict=True))
    blind = [BlindRating(verdict=v, reviewer=r, rating=rng.choice(RATINGS)) for v, r in pairs]
    BlindRating.objects.bulk_create(blind, batch_size=batch)
    ClaimEvent.objects.bulk_create(events, batch_size=batch)
