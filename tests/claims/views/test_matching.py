"""Has this claim been checked before? The claim page, triage and the library, as people use them."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Article, ClaimMatch, ClaimStatus, FactCheck, MatchStatus, Review, Verdict
from claims.services import assignment, matching, transitions, verification
from claims.services.ingestion import ArticleInput, article_ingest
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import ROOT, sample_text

pytestmark = pytest.mark.django_db

PARAPHRASE = ROOT / "tests" / "fixtures" / "chine-russie-paraphrase-fr.txt"


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _ingest(text: str, capture):
    with capture(execute=True):  # extraction, then matching, run after their commits
        article = article_ingest(data=ArticleInput(body=text)).article
        # This story is about matching, not about which sentences the scorer keeps: the desk
        # reads both versions down to every sentence (an article's own threshold, set before
        # its extraction runs).
        Article.objects.filter(pk=article.pk).update(claim_threshold=0.0)
    return article


def _approve(claim, checker, editor, reviewer, rating="mostly_true"):
    transitions.claim_transition(claim=claim, actor=editor, action="keep")
    assignment.claim_assign(claim=claim, actor=editor, assignee=checker)
    verification.verdict_submit(
        claim=claim, actor=checker, rating=rating, summary="Confirmé par le Département américain."
    )
    verification.blind_rating_record(claim=claim, actor=reviewer, rating=rating)
    verification.review_submit(claim=claim, actor=reviewer, decision="approve")


def test_the_sample_ingested_twice_in_other_words_shows_the_earlier_verdicts(
    client, editor_user, second_editor, checker_user, django_capture_on_commit_callbacks
):
    original = _ingest(sample_text(), django_capture_on_commit_callbacks)
    blinken = original.claims.get(text__startswith="Le secrétaire d’État Tony Blinken")
    _approve(blinken, checker_user, editor_user, second_editor)

    repeat_article = _ingest(PARAPHRASE.read_text(encoding="utf-8"), django_capture_on_commit_callbacks)

    repeats = ClaimMatch.objects.filter(claim__article=repeat_article).exclude(status=MatchStatus.REJECTED)
    linked = {m.claim.text[:30]: m.earlier_claim.text[:30] for m in repeats.filter(status=MatchStatus.CONFIRMED)}
    assert len(linked) >= 5, linked
    assert all(m.earlier_claim.article_id == original.pk for m in repeats)
    repeat = repeats.get(earlier_claim=blinken).claim
    assert repeat.text.startswith("Le chef de la diplomatie américaine, Tony Blinken")

    client.force_login(editor_user)
    page = client.get(repeat.get_absolute_url()).content.decode()
    assert "Earlier verdict:" in page and "Mostly true" in page and "Confirmé par le Département américain." in page
    triage = client.get(reverse("claims:triage"), {"article": repeat_article.pk}).content.decode()
    assert triage.count("data-checked-before") >= 5
    assert f'href="{blinken.get_absolute_url()}"' in triage


@pytest.fixture
def linked(editor_user, checker_user, second_editor):
    body = "La dette atteindra 120 % du PIB en 2030."
    earlier = ClaimFactory(article=ArticleFactory(body=body), text=body, end=len(body), status=ClaimStatus.APPROVED)
    verdict = Verdict.objects.create(
        claim=earlier, rating="false", summary="Non, 112 %.", author=checker_user, submitted_at=timezone.now()
    )
    Review.objects.create(verdict=verdict, reviewer=second_editor, decision="approve")
    body = "En 2030, la dette publique sera de 120 % du PIB."
    repeat = ClaimFactory(article=ArticleFactory(body=body), text=body, end=len(body), status=ClaimStatus.TO_CHECK)
    match = ClaimMatch.objects.create(claim=repeat, earlier_claim=earlier, score=0.95, status=MatchStatus.SUGGESTED)
    return match


def test_an_editor_confirms_then_unlinks_a_suggestion_from_the_claim_page(client, editor_user, linked):
    client.force_login(editor_user)
    url = reverse("claims:match-decide", args=[linked.claim_id, linked.pk, "confirm"])
    assert client.post(url).status_code == 302
    linked.refresh_from_db()
    assert (linked.status, linked.decided_by) == (MatchStatus.CONFIRMED, editor_user)
    client.post(reverse("claims:match-decide", args=[linked.claim_id, linked.pk, "reject"]))
    linked.refresh_from_db()
    assert linked.status == MatchStatus.REJECTED
    assert "Non, 112 %." not in client.get(linked.claim.get_absolute_url()).content.decode()


def test_applying_the_earlier_verdict_from_the_claim_page_sends_it_to_review(client, editor_user, linked):
    client.force_login(editor_user)
    client.post(reverse("claims:match-decide", args=[linked.claim_id, linked.pk, "reuse"]))
    linked.claim.refresh_from_db()
    assert linked.claim.status == ClaimStatus.IN_REVIEW
    assert linked.claim.verdicts.get().rating == "false"


def test_a_checker_cannot_link_unlink_or_reuse(client, checker_user, linked):
    client.force_login(checker_user)
    page = client.get(linked.claim.get_absolute_url()).content.decode()
    assert "Non, 112 %." in page and "data-decision" not in page
    for decision in ("confirm", "reject", "reuse"):
        client.post(reverse("claims:match-decide", args=[linked.claim_id, linked.pk, decision]))
    linked.refresh_from_db()
    linked.claim.refresh_from_db()
    assert (linked.status, linked.claim.status) == (MatchStatus.SUGGESTED, ClaimStatus.TO_CHECK)


def test_a_match_of_another_claim_cannot_be_decided_through_this_one(client, editor_user, linked):
    other = ClaimFactory()
    client.force_login(editor_user)
    response = client.post(reverse("claims:match-decide", args=[other.pk, linked.pk, "confirm"]))
    assert response.status_code == 404


def test_an_editor_links_by_claim_number_and_by_fact_check_url(client, editor_user, linked):
    check = FactCheck.objects.create(claim_reviewed="La dette à 120 %", url="https://x.org/dette")
    client.force_login(editor_user)
    url = reverse("claims:claim-link", args=[linked.claim_id])
    client.post(url, {"target": f"#{linked.earlier_claim_id}"})
    client.post(url, {"target": "https://x.org/dette"})
    response = client.post(url, {"target": "not a target"}, follow=True)
    assert "Give a claim number" in response.content.decode()
    statuses = dict(ClaimMatch.objects.filter(claim=linked.claim).values_list("fact_check", "status"))
    assert statuses == {None: MatchStatus.CONFIRMED, check.pk: MatchStatus.CONFIRMED}


def test_the_library_imports_a_file_and_reports_a_broken_one(client, editor_user):
    client.force_login(editor_user)
    good = json.dumps(
        [
            {
                "@type": "ClaimReview",
                "url": "https://x.org/1",
                "claimReviewed": "Claim one",
                "reviewRating": {"name": "False"},
            }
        ]
    )
    upload = lambda name, data: client.post(  # noqa: E731
        reverse("claims:library-import"), {"file": _file(name, data)}, follow=True
    )
    page = upload("reviews.json", good).content.decode()
    assert "1 fact-check added, 0 updated." in page and "Claim one" in page
    page = upload("broken.json", b"{oops").content.decode()
    assert "Nothing was imported: The file is not JSON" in page
    assert FactCheck.objects.count() == 1


def test_checkers_see_the_library_but_cannot_import(client, checker_user):
    client.force_login(checker_user)
    assert 'id="library-import"' not in client.get(reverse("claims:library")).content.decode()
    response = client.post(reverse("claims:library-import"), {"file": _file("a.json", b"[]")})
    assert response.status_code == 403


def test_our_own_claimreview_export_imports_back_into_the_library(client, editor_user, reviewed_article):
    client.force_login(editor_user)
    exported = client.get(reverse("claims:article-claimreview", args=[reviewed_article["article"].pk])).content
    result = matching.factchecks_import(data=exported, actor=editor_user)
    assert result.created == 2 and result.problems == []
    ratings = dict(FactCheck.objects.values_list("claim_reviewed", "rating"))
    assert ratings[reviewed_article["approved"].text] == "mostly_true"
    assert ratings[reviewed_article["unverifiable"].text] == "unverifiable"


def test_triage_with_matches_uses_a_constant_number_of_queries(
    client, editor_user, linked, django_assert_max_num_queries
):
    client.force_login(editor_user)

    def add(n):
        for _ in range(n):
            claim = ClaimFactory(article=ArticleFactory())
            ClaimMatch.objects.create(claim=claim, earlier_claim=linked.earlier_claim, score=0.9)

    def count():
        from django.core.cache import cache

        cache.clear()  # count the outlets suggested too, not a cached copy
        with django_assert_max_num_queries(20) as captured:
            assert "Checked before" in client.get(reverse("claims:triage")).content.decode()
        return len(captured.captured_queries)

    add(2)
    few = count()
    add(12)
    assert count() == few


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data if isinstance(data, bytes) else data.encode(), content_type="application/json")


def test_the_api_lists_a_claims_open_matches_with_the_earlier_rating(client, checker_user, linked):
    rejected = ClaimMatch.objects.create(
        claim=linked.claim,
        fact_check=FactCheck.objects.create(claim_reviewed="x", url="https://x.org/x"),
        status=MatchStatus.REJECTED,
    )
    client.force_login(checker_user)
    data = client.get(f"/api/claims/{linked.claim_id}/matches/").json()
    assert [m["id"] for m in data] == [linked.pk] and rejected.pk not in [m["id"] for m in data]
    assert (data[0]["earlier_claim"], data[0]["earlier_rating"], data[0]["fact_check"]) == (
        linked.earlier_claim_id,
        "false",
        None,
    )


def test_the_library_searches_the_words_around_a_nul_character(client, checker_user):
    FactCheck.objects.create(claim_reviewed="Le vaccin contient une puce.", url="https://x.org/1")
    FactCheck.objects.create(claim_reviewed="La Terre est plate.", url="https://x.org/2")
    client.force_login(checker_user)
    response = client.get(reverse("claims:library"), {"q": "vaccin\x00"})
    assert response.status_code == 200
    assert [c.url for c in response.context["page"]] == ["https://x.org/1"]


def test_a_library_file_nested_100000_levels_deep_is_refused_and_imports_nothing(client, editor_user):
    client.force_login(editor_user)
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.post(reverse("claims:library-import"), {"file": _file("deep.json", deep)}, follow=True)
    assert response.status_code == 200
    assert "Nothing was imported: The JSON is nested more than 64 levels deep" in response.content.decode()
    assert not FactCheck.objects.exists()


@pytest.mark.parametrize(
    ("data", "skipped"),
    [
        ({"claims": ["str"]}, 'review 1: expected a claim object with a “claimReview” list, found "str"'),
        ({"claims": [{"text": "C", "claimReview": "x"}]}, "review 1: expected a claim object"),
        ({"claims": [{"text": "C", "claimReview": [7]}]}, "review 1: expected a ClaimReview object, found 7"),
        ([None], "review 1: expected a ClaimReview object, found null"),
        ({"@graph": [{"@type": "ClaimReview", "claimReviewed": ["a"], "url": {}}]}, "review 1: no claimReviewed"),
    ],
)
def test_a_library_file_with_wrong_types_lists_what_it_skipped_and_imports_the_rest(client, editor_user, data, skipped):
    good = {"@type": "ClaimReview", "url": "https://x.org/1", "claimReviewed": "Claim one"}
    document = {"@graph": [data, good]}
    client.force_login(editor_user)
    response = client.post(
        reverse("claims:library-import"), {"file": _file("mixed.json", json.dumps(document))}, follow=True
    )
    page = response.content.decode()
    assert "1 fact-check added, 0 updated." in page
    assert f"Skipped {skipped}".replace('"', "&quot;") in page
    assert list(FactCheck.objects.values_list("claim_reviewed", flat=True)) == ["Claim one"]
