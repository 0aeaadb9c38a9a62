"""The four pages `bench/pages.py` measures cost a fixed number of queries, pinned here on a desk big
enough that one query per row would show (more rows than a page holds, every row with what it shows:
matches, assignees, events). Each count is the page's own queries plus five every desk page makes:
the session, the user with their session epoch (claims.backends.DeskBackend), their permissions (their
own and their groups', one query), their unread notifications and their saved searches (the
navigation's menu: one query; each search's count comes from the cache).

The lists' tag filter offers the desk's tags, read once and cached until a tag changes: one query on a
cold cache, none after."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimEvent, ClaimMatch, ClaimStatus, FactCheck, MatchStatus, Review, Verdict
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

EVERY_PAGE = 5


def _article_with_claims(n: int, prefix: str = "", **fields):
    sentences = [f"{prefix}Le chômage a baissé de {i} % en 2023, selon le ministre {i}." for i in range(n)]
    article = ArticleFactory(body=" ".join(sentences))
    claims, at = [], 0
    for sentence in sentences:
        start = article.body.index(sentence, at)
        at = start + len(sentence)
        claims.append(ClaimFactory(article=article, text=sentence, start=start, end=at, **fields))
    return article, claims


@pytest.fixture
def desk(editor_user, checker_user, second_editor):
    """60 claims to triage (each matched), 60 open claims of the checker (half overdue), and events."""
    today = timezone.localdate()
    earlier = ClaimFactory(status=ClaimStatus.APPROVED)
    verdict = Verdict.objects.create(
        claim=earlier, rating="false", summary="Non.", author=checker_user, submitted_at=timezone.now()
    )
    Review.objects.create(verdict=verdict, reviewer=second_editor, decision="approve")
    check = FactCheck.objects.create(claim_reviewed="x", url="https://example.org/f", rating="false", fingerprint="f")
    _article, detected = _article_with_claims(60, score=0.5, reasons=[{"code": "figure", "params": {"items": "2 %"}}])
    for i, claim in enumerate(detected):
        target = {"earlier_claim": earlier} if i % 2 else {"fact_check": check}
        ClaimMatch.objects.create(claim=claim, score=0.9, status=MatchStatus.SUGGESTED, **target)
    _article, open_claims = _article_with_claims(60, "Ouvert. ", status=ClaimStatus.ASSIGNED, assignee=checker_user)
    for i, claim in enumerate(open_claims):
        claim.due_date = today + dt.timedelta(days=-1 - i if i % 2 else i)
        claim.save()
        ClaimEvent.objects.create(claim=claim, actor=editor_user, kind="assigned", to_status=claim.status)
    return {"detected": detected, "open": open_claims}


def _count(client, user, url, django_assert_num_queries, expected):
    client.force_login(user)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_checker_s_queue_costs_a_fixed_number_of_queries(client, checker_user, desk, django_assert_num_queries):
    # the count and the page of claims, and the tags of the tag filter (cached: not on the next request)
    cache.clear()
    response = _count(client, checker_user, reverse("claims:queue"), django_assert_num_queries, EVERY_PAGE + 3)
    assert len(response.context["page"]) == 50
    _count(client, checker_user, reverse("claims:queue"), django_assert_num_queries, EVERY_PAGE + 2)


def test_triage_costs_a_fixed_number_of_queries(client, editor_user, desk, django_assert_num_queries):
    # the count, the page of claims, their matches, the earlier claims' verdicts, the checkers to assign to, and
    # the outlets suggested and the tags of the filter and the bulk form (both cached for everyone: not on the
    # next request)
    cache.clear()
    response = _count(client, editor_user, reverse("claims:triage"), django_assert_num_queries, EVERY_PAGE + 7)
    assert len(response.context["page"]) == 50 and response.content.decode().count("data-checked-before") == 50
    _count(client, editor_user, reverse("claims:triage"), django_assert_num_queries, EVERY_PAGE + 5)


def test_an_article_with_200_claims_costs_a_fixed_number_of_queries(client, editor_user, django_assert_num_queries):
    article, _claims = _article_with_claims(200)
    # the article, its claims and its tags; the tags an editor can add (cached: not on the next request)
    response = _count(client, editor_user, article.get_absolute_url(), django_assert_num_queries, EVERY_PAGE + 4)
    assert response.content.decode().count('class="claim shade-') == 200
    _count(client, editor_user, article.get_absolute_url(), django_assert_num_queries, EVERY_PAGE + 3)


@pytest.mark.parametrize("role", ["editor", "checker"])
def test_the_dashboard_costs_a_fixed_number_of_queries(
    client, editor_user, checker_user, desk, django_assert_num_queries, role
):
    user = editor_user if role == "editor" else checker_user
    # my queue, the overdue claims, the recent activity; the desk-wide figures (claims by status, workload,
    # agreement) once for everyone while they are cached
    cache.clear()
    response = _count(client, user, reverse("claims:dashboard"), django_assert_num_queries, EVERY_PAGE + 6)
    assert len(response.context["overdue"]) == 20 and len(response.context["recent"]) == 15
    _count(client, user, reverse("claims:dashboard"), django_assert_num_queries, EVERY_PAGE + 3)
