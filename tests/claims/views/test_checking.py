import pytest
from django.urls import reverse

from claims.models import ClaimStatus
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import require_postgresql

pytestmark = pytest.mark.django_db


def test_a_verdict_with_errors_comes_back_with_everything_typed(client, checker_user):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    client.force_login(checker_user)
    rationale = "Trois sources indépendantes contredisent ce chiffre."
    response = client.post(
        reverse("claims:claim-verdict", args=[claim.pk]),
        {"rating": "false", "summary": "", "rationale": rationale, "intent": "submit"},
    )
    assert response.status_code == 400
    assert rationale in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_PROGRESS


def test_the_htmx_autosave_keeps_one_draft_and_the_page_shows_it_again(client, checker_user):
    claim = ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user)
    client.force_login(checker_user)
    url = reverse("claims:claim-verdict", args=[claim.pk])
    for summary in ("Premier jet", "Second jet"):
        response = client.post(url, {"rating": "misleading", "summary": summary}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert list(claim.verdicts.values_list("summary", "submitted_at")) == [("Second jet", None)]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_PROGRESS  # working on it starts it
    assert "Second jet" in client.get(claim.get_absolute_url()).content.decode()


def test_an_editor_adds_a_missed_claim_with_exact_offsets(client, editor_user):
    article = ArticleFactory(body="Il pleut. Le ministre a déclaré que 300 000 emplois ont été créés. Fin.")
    client.force_login(editor_user)
    text = "Le ministre a déclaré que 300 000 emplois ont été créés."
    response = client.post(reverse("claims:claim-add", args=[article.pk]), {"text": text, "start": "10"})
    claim = article.claims.get()
    assert response.status_code == 302 and response.url == claim.get_absolute_url()
    assert (claim.start, claim.end, claim.origin, claim.status) == (10, 10 + len(text), "manual", "to_check")
    assert article.body[claim.start : claim.end] == text


def test_a_selection_that_is_not_in_the_article_is_refused(client, editor_user):
    article = ArticleFactory(body="Il pleut.")
    client.force_login(editor_user)
    response = client.post(reverse("claims:claim-add", args=[article.pk]), {"text": "Il neige."}, follow=True)
    assert not article.claims.exists()
    assert "article" in response.content.decode()


def test_an_editor_edits_the_wording_and_the_original_is_kept(client, editor_user):
    claim = ClaimFactory(status=ClaimStatus.TO_CHECK)
    original = claim.text
    client.force_login(editor_user)
    client.post(reverse("claims:claim-wording", args=[claim.pk]), {"wording": "Le chômage a reculé de 2 points"})
    claim.refresh_from_db()
    assert (claim.text, claim.wording) == (original, "Le chômage a reculé de 2 points")
    assert claim.events.get(kind="edited").changes == {"wording": ["", "Le chômage a reculé de 2 points"]}


def test_bulk_keep_and_assign_goes_to_the_least_loaded_checker(client, editor_user, checker_user, other_checker):
    ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user)
    claims = [ClaimFactory(article=ArticleFactory()) for _ in range(2)]
    client.force_login(editor_user)
    client.post(reverse("claims:triage-bulk"), {"action": "assign", "claims": [c.pk for c in claims], "assignee": ""})
    for claim in claims:
        claim.refresh_from_db()
    # other_checker had nothing: first claim to them; then both have one, the tie goes by username.
    assert [c.assignee.username for c in claims] == ["checker2", "checker"]
    assert {c.status for c in claims} == {ClaimStatus.ASSIGNED}


def test_search_finds_claims_by_their_words(client, checker_user):
    claim = ClaimFactory(article=ArticleFactory(body="Le chômage a baissé de 2 % en 2023. Il fait beau."))
    client.force_login(checker_user)
    response = client.get(reverse("claims:search"), {"q": "chômage"})
    assert claim in list(response.context["claims"])


@pytest.mark.parametrize("junk", ["\x00", "\x01\x1b", "\x7f"])
def test_a_search_with_nul_or_control_characters_searches_the_words_around_them(client, checker_user, junk):
    """PostgreSQL refuses NUL in a string: these searches answered 500 there."""
    claim = ClaimFactory(article=ArticleFactory(body="Le chômage a baissé de 2 % en 2023. Il fait beau."))
    client.force_login(checker_user)
    response = client.get(reverse("claims:search"), {"q": f"chômage{junk}"})
    assert response.status_code == 200
    assert response.context["query"] == "chômage" and claim in list(response.context["claims"])
    assert client.get(reverse("claims:search"), {"q": junk}).status_code == 200


def test_french_search_on_postgresql_matches_other_forms_of_a_word(client, checker_user):
    require_postgresql()
    from django.db import connection

    claim = ClaimFactory(article=ArticleFactory(body="Les prix ont fortement augmenté en 2023. Il fait beau."))
    client.force_login(checker_user)
    response = client.get(reverse("claims:search"), {"q": "augmentation des prix"})
    assert claim in list(response.context["claims"])
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM claims_claim WHERE to_tsvector('french'::regconfig, COALESCE(text, '')) "
            "@@ websearch_to_tsquery('french'::regconfig, 'prix')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "claim_text_fr_search" in plan


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "javascript:alert(1)",
        "https:///evil.example",
        "\\\\evil.example",
    ],
)
def test_bulk_triage_and_claim_actions_never_send_people_to_another_site(client, editor_user, next_url):
    claims = [ClaimFactory(article=ArticleFactory()) for _ in range(2)]
    client.force_login(editor_user)
    response = client.post(
        reverse("claims:triage-bulk"), {"action": "keep", "claims": [claims[0].pk], "next": next_url}
    )
    assert response.status_code == 302 and response.url == reverse("claims:triage")
    response = client.post(reverse("claims:claim-transition", args=[claims[1].pk, "keep"]), {"next": next_url})
    assert response.status_code == 302 and response.url == claims[1].get_absolute_url()
    for claim in claims:
        claim.refresh_from_db()
    assert {c.status for c in claims} == {ClaimStatus.TO_CHECK}  # the actions themselves were done


def test_bulk_triage_goes_back_to_the_page_it_came_from_on_this_site(client, editor_user):
    claim = ClaimFactory()
    client.force_login(editor_user)
    back = reverse("claims:triage") + "?page=2"
    response = client.post(reverse("claims:triage-bulk"), {"action": "keep", "claims": [claim.pk], "next": back})
    assert response.status_code == 302 and response.url == back
