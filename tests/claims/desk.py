"""The desk the stateful test plays on: its people, its claims, and snapshots of its rows.

Used by tests/claims/desk_machine.py.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims import workflow
from claims.models import (
    Assignment,
    Claim,
    ClaimEvent,
    ClaimMatch,
    ClaimStatus,
    Comment,
    Evidence,
    Rating,
    Review,
    ReviewDecision,
    Verdict,
)
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, checker, editor

S = ClaimStatus
PEOPLE = ("editor1", "editor2", "checker1", "checker2", "both", "norole", "anonymous")

# name, text, status, assignee; the verdicts, the review and a match are added by desk_create.
DESK = [
    ("detected", "Le chômage a baissé de 2 % en 2023.", S.DETECTED, None),
    ("detected_2", "La dette atteindra 120 % du PIB en 2030.", S.DETECTED, None),
    ("dismissed", "Il fait beau à Paris.", S.DISMISSED, None),
    ("to_check", "Le ministre a déclaré que 300 000 emplois avaient été créés.", S.TO_CHECK, None),
    ("to_check_2", "Le nombre de médecins a baissé de 10 % en dix ans.", S.TO_CHECK, None),
    ("assigned", "Les exportations ont progressé de 5 % en un an.", S.ASSIGNED, "both"),
    ("in_progress", "La France compte 68 millions d'habitants.", S.IN_PROGRESS, "checker2"),
    ("in_review_own", "Un Français sur deux ne part pas en vacances.", S.IN_REVIEW, "both"),
    ("in_review", "Le prix de l'essence a doublé depuis 2020.", S.IN_REVIEW, "checker1"),
    ("approved", "Le budget de la défense atteint 47 milliards d'euros.", S.APPROVED, "checker2"),
]


@dataclass
class People:
    users: dict  # name -> User (no "anonymous")
    pages: dict  # name -> django.test.Client, logged in
    api: dict  # name -> APIClient with the person's token

    def name_of(self, user_id) -> str:
        """The person's name here; "" for nobody (None) or an unknown id."""
        return next((name for name, user in self.users.items() if user.pk == user_id), "")


def people_create() -> People:
    users = {
        "editor1": editor("editor1"),
        "editor2": editor("editor2"),
        "checker1": checker("checker1"),
        "checker2": checker("checker2"),
        "both": editor("both"),
        "norole": UserFactory(username="norole"),
    }
    users["both"].groups.add(Group.objects.get(name=workflow.CHECKER_GROUP))
    pages = {"anonymous": Client(HTTP_ACCEPT_LANGUAGE="en")}
    api = {"anonymous": APIClient(HTTP_ACCEPT_LANGUAGE="en")}
    for name, user in users.items():
        pages[name] = Client(HTTP_ACCEPT_LANGUAGE="en")
        pages[name].force_login(user)
        api[name] = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api[name].credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return People(users, pages, api)


def desk_create(people: People) -> dict[str, int]:
    """One article, a claim per DESK row; every invariant holds on it. Returns name -> claim id."""
    body = " ".join(text for _name, text, _status, _assignee in DESK)
    article = ArticleFactory(body=body)
    ids = {}
    for name, text, status, assignee in DESK:
        start = body.index(text)
        claim = ClaimFactory(
            article=article, start=start, end=start + len(text), text=text, status=status,
            assignee=people.users.get(assignee), verdict=False,  # the verdicts are written below
        )  # fmt: skip
        ids[name] = claim.pk
    u, now = people.users, timezone.now()
    Verdict.objects.create(claim_id=ids["in_progress"], author=u["checker2"], rating=Rating.MISLEADING, summary="Draft")
    submitted = {
        name: Verdict.objects.create(
            claim_id=ids[name], author=u[author], rating=Rating.FALSE, summary="Faux.", submitted_at=now
        )
        for name, author in (("in_review", "checker1"), ("in_review_own", "both"), ("approved", "checker2"))
    }
    Review.objects.create(verdict=submitted["approved"], reviewer=u["editor1"], decision=ReviewDecision.APPROVE)
    # What the matcher would suggest: detected_2 repeats the approved claim (reusable verdict).
    ClaimMatch.objects.create(claim_id=ids["detected_2"], earlier_claim_id=ids["approved"], score=0.9)
    return ids


@dataclass(frozen=True)
class Snapshot:
    claims: tuple  # (id, status, assignee_id, wording, due_date)
    verdicts: tuple  # (id, claim_id, author_id, rating, summary, submitted_at)
    reviews: tuple  # (id, verdict_id, reviewer_id, decision)
    matches: tuple  # (id, claim_id, status)
    counts: tuple  # (model, rows) for the tables that only grow


def desk_snapshot() -> Snapshot:
    return Snapshot(
        claims=tuple(Claim.objects.order_by("pk").values_list("pk", "status", "assignee_id", "wording", "due_date")),
        verdicts=tuple(
            Verdict.objects.order_by("pk").values_list(
                "pk", "claim_id", "author_id", "rating", "summary", "submitted_at"
            )
        ),
        reviews=tuple(Review.objects.order_by("pk").values_list("pk", "verdict_id", "reviewer_id", "decision")),
        matches=tuple(ClaimMatch.objects.order_by("pk").values_list("pk", "claim_id", "status")),
        counts=tuple((m.__name__, m.objects.count()) for m in (Evidence, Comment, ClaimEvent, Assignment)),
    )


def snapshot_diff(before: Snapshot, after: Snapshot, names: dict, people: People) -> list[str]:
    """What changed, for people: "to_check: status to_check→assigned, assignee nobody→checker1; Assignment 0→1"."""
    changes = []
    old = {row[0]: row for row in before.claims}
    for row in after.claims:
        was = old.get(row[0], (row[0], None, None, "", None))
        pairs = {
            "status": (was[1], row[1]),
            "assignee": (people.name_of(was[2]) or "nobody", people.name_of(row[2]) or "nobody"),
            "wording": (was[3], row[3]),
            "due": (was[4], row[4]),
        }
        fields = [f"{label} {a}→{b}" for label, (a, b) in pairs.items() if a != b]
        if fields:
            changes.append(f"{names.get(row[0], row[0])}: {', '.join(fields)}")
    for (model, n_before), (_model, n_after) in zip(before.counts, after.counts, strict=True):
        if n_after != n_before:
            changes.append(f"{model} {n_before}→{n_after}")
    for label in ("verdicts", "reviews", "matches"):
        if getattr(before, label) != getattr(after, label):
            changes.append(f"{label} changed")
    return changes
