"""List pages use a constant number of queries whatever their length."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from claims.models import BlindRating, ClaimEvent, ClaimStatus, Review, Verdict
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def _claims(n, **kwargs):
    return [ClaimFactory(article=ArticleFactory(), **kwargs) for _ in range(n)]


def _queries(client, url, django_assert_max_num_queries, limit):
    cache.clear()  # count the dashboard's desk-wide queries too, not a cached copy
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "role", "status"),
    [
        ("claims:triage", "editor", ClaimStatus.DETECTED),
        ("claims:claim-list", "checker", ClaimStatus.ASSIGNED),
        ("claims:queue", "checker", ClaimStatus.ASSIGNED),
        ("claims:dashboard", "checker", ClaimStatus.ASSIGNED),
        ("claims:review-queue", "editor", ClaimStatus.IN_REVIEW),
    ],
)
def test_list_pages_do_not_grow_with_their_rows(
    client, editor_user, checker_user, url_name, role, status, django_assert_max_num_queries
):
    user = editor_user if role == "editor" else checker_user
    client.force_login(user)

    def add(n):
        for claim in _claims(n, status=status, assignee=checker_user, due_date=timezone.localdate()):
            ClaimEvent.objects.create(claim=claim, actor=user, kind="status", to_status=status)
            if status == ClaimStatus.IN_REVIEW:
                verdict = Verdict.objects.create(
                    claim=claim, rating="false", summary="x", author=checker_user, submitted_at=timezone.now()
                )
                Review.objects.create(verdict=verdict, reviewer=editor_user, decision="send_back", comment="?")
                BlindRating.objects.create(verdict=verdict, reviewer=editor_user, rating="false")

    add(2)
    few = _queries(client, reverse(url_name), django_assert_max_num_queries, 20)
    add(15)
    many = _queries(client, reverse(url_name), django_assert_max_num_queries, 20)
    assert many == few


def test_an_article_page_with_many_claims_uses_a_constant_number_of_queries(
    client, checker_user, django_assert_max_num_queries
):
    body = " ".join(f"Phrase numéro {i} avec 3 %." for i in range(200))
    article = ArticleFactory(body=body)
    client.force_login(checker_user)
    spans, cursor = [], 0
    for i in range(200):
        sentence = f"Phrase numéro {i} avec 3 %."
        start = body.index(sentence, cursor)
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    ClaimFactory(article=article, start=spans[0][0], end=spans[0][1], text=body[spans[0][0] : spans[0][1]])
    few = _queries(client, article.get_absolute_url(), django_assert_max_num_queries, 15)
    for start, end in spans[1:]:
        ClaimFactory(article=article, start=start, end=end, text=body[start:end])
    many = _queries(client, article.get_absolute_url(), django_assert_max_num_queries, 15)
    assert many == few


def test_the_dashboard_reports_agreement_and_kappa(client, editor_user, checker_user):
    pairs = [("false", "false"), ("false", "false"), ("true", "true"), ("true", "false")]
    for rating, independent in pairs:
        claim = ClaimFactory(article=ArticleFactory(), status=ClaimStatus.APPROVED)
        verdict = Verdict.objects.create(
            claim=claim, rating=rating, summary="x", author=checker_user, submitted_at=timezone.now()
        )
        Review.objects.create(verdict=verdict, reviewer=editor_user, decision="approve")
        BlindRating.objects.create(verdict=verdict, reviewer=editor_user, rating=independent)
    client.force_login(editor_user)
    agreement = client.get(reverse("claims:dashboard")).context["agreement"]
    # observed 3/4; expected (2*3 + 2*1)/16 = 0.5; kappa = (0.75 - 0.5) / 0.5
    assert agreement == {"pairs": 4, "observed": 0.75, "kappa": 0.5}


def test_the_dashboard_computes_its_desk_wide_figures_once_for_everyone(
    client, editor_user, second_editor, django_assert_max_num_queries, settings
):
    _claims(3, status=ClaimStatus.TO_CHECK)
    client.force_login(editor_user)
    first = _queries(client, reverse("claims:dashboard"), django_assert_max_num_queries, 20)
    client.force_login(second_editor)
    with django_assert_max_num_queries(20) as captured:
        page = client.get(reverse("claims:dashboard"))
    assert len(captured.captured_queries) < first
    assert "3" in page.content.decode()
    settings.FACTCHECK_DASHBOARD_CACHE_SECONDS = 0  # caching off: every request computes them
    cache.clear()
    client.get(reverse("claims:dashboard"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("claims:dashboard"))
    assert len(captured.captured_queries) == first
