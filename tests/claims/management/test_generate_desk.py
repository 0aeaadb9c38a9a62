import io

import pytest
from django.core.management import call_command

from claims.models import Article, Assignment, Claim, ClaimEvent, Review, Verdict

pytestmark = pytest.mark.django_db


def test_generate_desk_makes_a_realistic_desk_with_exact_spans():
    out = io.StringIO()
    call_command("generate_desk", "--articles", "30", "--claims", "300", "--users", "6", stdout=out)
    assert out.getvalue().startswith("30 articles, 300 claims, 6 users")
    assert Article.objects.count() == 30 and Claim.objects.count() == 300
    for claim in Claim.objects.select_related("article"):
        assert claim.article.body[claim.start : claim.end] == claim.text
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert statuses == {"detected", "dismissed", "to_check", "assigned", "in_progress", "in_review", "approved"}
    worked = Claim.objects.filter(status__in=["assigned", "in_progress", "in_review", "approved"])
    assert Assignment.objects.count() == worked.count()
    assert not worked.filter(assignee__isnull=True).exists()
    assert Verdict.objects.count() == Claim.objects.filter(status__in=["in_review", "approved"]).count()
    assert Review.objects.count() == Claim.objects.filter(status="approved").count()
    assert ClaimEvent.objects.filter(kind="status").count() == Claim.objects.exclude(status="detected").count()


def test_generate_desk_twice_adds_a_second_distinct_batch():
    call_command("generate_desk", "--articles", "5", "--claims", "20", "--users", "2", stdout=io.StringIO())
    call_command(
        "generate_desk", "--articles", "5", "--claims", "20", "--users", "2", "--seed", "7", stdout=io.StringIO()
    )
    assert Article.objects.count() == 10 and Claim.objects.count() == 40
