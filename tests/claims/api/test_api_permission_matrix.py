"""The permission matrix, for the API: every role against every endpoint."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Article, BlindRating, Claim, ClaimStatus, ExportJob, Review, Verdict
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "outsider", "checker", "other_checker", "editor", "superuser"]
EDITORS = {"editor", "superuser"}
DESK = {"checker", "other_checker", "editor", "superuser"}


def _claim(people, status, blind_pending=False):
    claim = ClaimFactory(status=status, assignee=people["checker"] if status != ClaimStatus.DETECTED else None)
    if status in (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED):
        verdict = Verdict.objects.create(
            claim=claim, rating="false", summary="Faux", author=people["author"], submitted_at=timezone.now()
        )
        if status == ClaimStatus.APPROVED:
            Review.objects.create(verdict=verdict, reviewer=people["editor"], decision="approve")
        for role in EDITORS:  # the review case: editors have rated blind (the blind-rating case adds its own)
            if status == ClaimStatus.IN_REVIEW and not blind_pending:
                BlindRating.objects.create(verdict=verdict, reviewer=people[role], rating="false")
    return claim


# (name, allowed roles, claim status, method, url, body, did it change?)
CASES = [
    ("list claims", DESK, ClaimStatus.DETECTED, "get", "/api/claims/", None, None),
    ("read a claim", DESK, ClaimStatus.DETECTED, "get", "/api/claims/{id}/", None, None),
    ("read a claim's matches", DESK, ClaimStatus.DETECTED, "get", "/api/claims/{id}/matches/", None, None),
    ("read an article", DESK, ClaimStatus.DETECTED, "get", "/api/articles/{article}/", None, None),
    (
        "triage",
        EDITORS,
        ClaimStatus.DETECTED,
        "post",
        "/api/claims/{id}/triage/",
        {"action": "keep"},
        lambda c: c.status == ClaimStatus.TO_CHECK,
    ),
    (
        "assign",
        EDITORS,
        ClaimStatus.TO_CHECK,
        "post",
        "/api/claims/{id}/assign/",
        {"assignee": "assigned"},
        lambda c: c.status == ClaimStatus.ASSIGNED,
    ),
    (
        "evidence",
        {"checker"},
        ClaimStatus.IN_PROGRESS,
        "post",
        "/api/claims/{id}/evidence/",
        {"title": "x", "stance": "context"},
        lambda c: c.evidence.exists(),
    ),
    (
        "verdict",
        {"checker"},
        ClaimStatus.IN_PROGRESS,
        "post",
        "/api/claims/{id}/verdict/",
        {"rating": "true", "summary": "Vrai"},
        lambda c: c.status == ClaimStatus.IN_REVIEW,
    ),
    (
        "review",
        EDITORS,
        ClaimStatus.IN_REVIEW,
        "post",
        "/api/claims/{id}/review/",
        {"decision": "approve"},
        lambda c: c.status == ClaimStatus.APPROVED,
    ),
    (
        "blind rating",
        EDITORS,
        ClaimStatus.IN_REVIEW,
        "post",
        "/api/claims/{id}/blind-rating/",
        {"rating": "mostly_false"},
        lambda c: BlindRating.objects.filter(verdict__claim=c).exists(),
    ),
    ("claimreview", EDITORS, ClaimStatus.APPROVED, "get", "/api/claims/{id}/claimreview/", None, None),
    ("report", EDITORS, ClaimStatus.APPROVED, "get", "/api/articles/{article}/report/?format=html", None, None),
    (
        "create article",
        EDITORS,
        ClaimStatus.DETECTED,
        "post",
        "/api/articles/",
        {"body": "Le déficit a atteint 5 %."},
        lambda c: Article.objects.count() == 2,
    ),
    (
        "create export",
        EDITORS,
        ClaimStatus.DETECTED,
        "post",
        "/api/exports/",
        {"format": "csv"},
        lambda c: ExportJob.objects.exists(),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_api_matrix(people, role, case):
    name, allowed, status, method, url, body, changed = case
    claim = _claim(people, status, blind_pending=name == "blind rating")
    client = APIClient()
    if people[role] is not None:
        client.force_authenticate(people[role])
    response = getattr(client, method)(url.format(id=claim.pk, article=claim.article_id), body, format="json")
    claim = Claim.objects.get(pk=claim.pk)
    if role in allowed:
        assert response.status_code < 300, (response.status_code, getattr(response, "data", None))
        assert changed is None or changed(claim)
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert changed is None or not changed(claim)
