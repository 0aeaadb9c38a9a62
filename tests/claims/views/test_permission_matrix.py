"""Every role against every view and action: allowed ones work, refused ones change nothing.

Roles: anonymous, a logged-in user with no role, the assigned checker, another checker,
an editor, a superuser.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from claims.models import Article, BlindRating, Claim, ClaimStatus, Review, Verdict
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "checker", "other_checker", "editor", "superuser"]
DESK = {"checker", "other_checker", "editor", "superuser"}
EDITORS = {"editor", "superuser"}


@dataclass
class Case:
    name: str
    allowed: set[str]
    url: Callable  # (claim) -> url
    status: ClaimStatus = ClaimStatus.DETECTED
    method: str = "get"
    data: Callable = lambda people: {}
    changed: Callable = lambda claim, before: False  # (claim after, counts before) -> bool
    rated_blind: bool = False  # editors have recorded their blind rating of the verdict


def _claim_status(target):
    return lambda claim, before: claim.status == target


def _count(model, **filters):
    return lambda claim, before: model.objects.filter(**filters).count() > before.get(model.__name__, 0)


GETS = [
    Case("dashboard", DESK, lambda c: reverse("claims:dashboard")),
    Case("article list", DESK, lambda c: reverse("claims:article-list")),
    Case("article page", DESK, lambda c: c.article.get_absolute_url()),
    Case("claim page", DESK, lambda c: c.get_absolute_url()),
    Case("claim page from triage", DESK, lambda c: c.get_absolute_url() + "?from=triage&sort=newest"),
    Case("claims list", DESK, lambda c: reverse("claims:claim-list") + "?status=detected&claimant=x"),
    Case("my queue", DESK, lambda c: reverse("claims:queue")),
    Case("search", DESK, lambda c: reverse("claims:search") + "?q=chômage"),
    Case("triage", EDITORS, lambda c: reverse("claims:triage")),
    Case("filtered triage", EDITORS, lambda c: reverse("claims:triage") + f"?article={c.article_id}&sort=article"),
    Case("submit article page", EDITORS, lambda c: reverse("claims:article-create")),
    Case("notifications", DESK, lambda c: reverse("claims:notification-list")),
    Case("notification preferences", DESK, lambda c: reverse("claims:notification-preferences")),
]

POSTS = [
    Case(
        "extract the article again at its own threshold",
        EDITORS,
        lambda c: reverse("claims:article-reextract", args=[c.article_id]),
        method="post",
        data=lambda p: {"threshold": "0.25"},
        changed=lambda claim, before: Article.objects.get(pk=claim.article_id).claim_threshold == 0.25,
    ),
    Case(
        "keep",
        EDITORS,
        lambda c: reverse("claims:claim-transition", args=[c.pk, "keep"]),
        method="post",
        changed=_claim_status(ClaimStatus.TO_CHECK),
    ),
    Case(
        "dismiss",
        EDITORS,
        lambda c: reverse("claims:claim-transition", args=[c.pk, "dismiss"]),
        method="post",
        changed=_claim_status(ClaimStatus.DISMISSED),
    ),
    Case(
        "assign",
        EDITORS,
        lambda c: reverse("claims:claim-assign", args=[c.pk]),
        ClaimStatus.TO_CHECK,
        "post",
        data=lambda p: {"assignee": p["checker"].pk},
        changed=_claim_status(ClaimStatus.ASSIGNED),
    ),
    Case(
        "start",
        {"checker"},
        lambda c: reverse("claims:claim-transition", args=[c.pk, "start"]),
        ClaimStatus.ASSIGNED,
        "post",
        changed=_claim_status(ClaimStatus.IN_PROGRESS),
    ),
    Case(
        "evidence",
        {"checker"},
        lambda c: reverse("claims:claim-evidence", args=[c.pk]),
        ClaimStatus.IN_PROGRESS,
        "post",
        data=lambda p: {"title": "INSEE", "url": "https://insee.fr", "stance": "refutes"},
        changed=lambda claim, before: claim.evidence.exists(),
    ),
    Case(
        "verdict draft",
        {"checker"},
        lambda c: reverse("claims:claim-verdict", args=[c.pk]),
        ClaimStatus.IN_PROGRESS,
        "post",
        data=lambda p: {"rating": "false", "summary": "Faux", "intent": "draft"},
        changed=lambda claim, before: claim.verdicts.exists(),
    ),
    Case(
        "verdict submit",
        {"checker"},
        lambda c: reverse("claims:claim-verdict", args=[c.pk]),
        ClaimStatus.IN_PROGRESS,
        "post",
        data=lambda p: {"rating": "false", "summary": "Faux", "intent": "submit"},
        changed=_claim_status(ClaimStatus.IN_REVIEW),
    ),
    Case(
        "comment",
        {"checker", "editor", "superuser"},
        lambda c: reverse("claims:claim-comment", args=[c.pk]),
        ClaimStatus.IN_PROGRESS,
        "post",
        data=lambda p: {"body": "Vu"},
        changed=lambda claim, before: claim.comments.exists(),
    ),
    Case(
        "approve",
        EDITORS,
        lambda c: reverse("claims:claim-review", args=[c.pk]),
        ClaimStatus.IN_REVIEW,
        "post",
        data=lambda p: {"decision": "approve"},
        changed=_claim_status(ClaimStatus.APPROVED),
        rated_blind=True,
    ),
    Case(
        "blind rating",
        EDITORS,
        lambda c: reverse("claims:claim-blind-rating", args=[c.pk]),
        ClaimStatus.IN_REVIEW,
        "post",
        data=lambda p: {"rating": "mostly_false", "intent": "rate"},
        changed=lambda claim, before: BlindRating.objects.filter(verdict__claim=claim).exists(),
    ),
    Case(
        "send back",
        EDITORS,
        lambda c: reverse("claims:claim-review", args=[c.pk]),
        ClaimStatus.IN_REVIEW,
        "post",
        data=lambda p: {"decision": "send_back", "comment": "Source ?"},
        changed=_claim_status(ClaimStatus.IN_PROGRESS),
        rated_blind=True,
    ),
    Case(
        "reopen",
        EDITORS,
        lambda c: reverse("claims:claim-reopen", args=[c.pk]),
        ClaimStatus.APPROVED,
        "post",
        data=lambda p: {"comment": "Nouvelle donnée"},
        changed=_claim_status(ClaimStatus.IN_PROGRESS),
    ),
    Case(
        "edit wording",
        EDITORS,
        lambda c: reverse("claims:claim-wording", args=[c.pk]),
        ClaimStatus.TO_CHECK,
        "post",
        data=lambda p: {"wording": "Le chômage a baissé"},
        changed=lambda claim, before: bool(claim.wording),
    ),
    Case(
        "add a claim",
        EDITORS,
        lambda c: reverse("claims:claim-add", args=[c.article.pk]),
        method="post",
        data=lambda p: {"text": "Le ministre a déclaré"},
        changed=lambda claim, before: claim.article.claims.count() > 1,
    ),
    Case(
        "bulk triage",
        EDITORS,
        lambda c: reverse("claims:triage-bulk"),
        method="post",
        data=lambda p: {"action": "dismiss", "claims": []},
        changed=_claim_status(ClaimStatus.DISMISSED),
    ),
    Case(
        "submit article",
        EDITORS,
        lambda c: reverse("claims:article-create"),
        method="post",
        data=lambda p: {"body": "Le déficit a atteint 5 % du PIB en 2023."},
        changed=lambda claim, before: Article.objects.count() > 1,
    ),
]


def _setup_claim(case: Case, people) -> Claim:
    claim = ClaimFactory(status=case.status)
    if case.status in (ClaimStatus.ASSIGNED, ClaimStatus.IN_PROGRESS, ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED):
        Claim.objects.filter(pk=claim.pk).update(assignee=people["checker"])
    if case.status in (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED):
        from django.utils import timezone

        verdict = Verdict.objects.create(
            claim=claim, rating="false", summary="Faux", author=people["author"], submitted_at=timezone.now()
        )
        if case.status == ClaimStatus.APPROVED:
            Review.objects.create(verdict=verdict, reviewer=people["editor"], decision="approve")
        if case.rated_blind:
            for role in EDITORS:
                BlindRating.objects.create(verdict=verdict, reviewer=people[role], rating="false")
    claim.refresh_from_db()
    return claim


def _client(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", GETS, ids=lambda c: c.name)
def test_pages(client, people, role, case):
    claim = _setup_claim(case, people)
    response = _client(client, people, role).get(case.url(claim))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif role in case.allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", POSTS, ids=lambda c: c.name)
def test_actions(client, people, role, case):
    claim = _setup_claim(case, people)
    data = case.data(people)
    if case.name == "bulk triage":
        data["claims"] = [claim.pk]
    response = _client(client, people, role).post(case.url(claim), data)
    claim.refresh_from_db()
    assert response.status_code < 500
    if role in case.allowed:
        assert response.status_code == 302, getattr(response, "content", b"")[:500]
        assert case.changed(claim, {}) is True
    else:
        assert case.changed(claim, {}) is False
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response.url
        elif role == "outsider":
            assert response.status_code == 403


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_state_changes_refuse_get(client, people, role):
    claim = ClaimFactory()
    client.force_login(people[role])
    response = client.get(reverse("claims:claim-transition", args=[claim.pk, "keep"]))
    assert response.status_code == 405
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED


def test_a_forged_form_without_csrf_token_is_refused(people):
    from django.test import Client

    claim = ClaimFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["editor"])
    response = client.post(reverse("claims:claim-transition", args=[claim.pk, "keep"]))
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED


def test_an_illegal_transition_shows_a_message_and_changes_nothing(client, people):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    client.force_login(people["editor"])
    response = client.post(reverse("claims:claim-transition", args=[claim.pk, "dismiss"]), follow=True)
    assert "n’est pas possible" in response.content.decode() or "not possible" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert not claim.events.exists()


def test_an_editor_cannot_approve_their_own_verdict_through_the_page(client, people):
    from django.contrib.auth.models import Group

    people["editor"].groups.add(Group.objects.get(name="Checker"))
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=people["editor"])
    client.force_login(people["editor"])
    client.post(
        reverse("claims:claim-verdict", args=[claim.pk]), {"rating": "true", "summary": "Vrai", "intent": "submit"}
    )
    response = client.post(reverse("claims:claim-review", args=[claim.pk]), {"decision": "approve"})
    claim.refresh_from_db()
    assert response.status_code == 409
    assert claim.status == ClaimStatus.IN_REVIEW
