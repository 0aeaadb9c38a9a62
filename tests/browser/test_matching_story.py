"""A repeated claim in the browser: triage shows it was checked before, the editor reuses the verdict."""

import pytest
from django.db import transaction
from django.utils import timezone

from claims.models import ClaimMatch, ClaimStatus, MatchStatus, Review, Verdict
from claims.services.ingestion import ArticleInput, article_ingest
from tests.browser.test_story import PASSWORD
from tests.factories import checker, editor
from tests.helpers import ROOT, sample_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def repeated(transactional_db):
    people = {"editor": editor("editor1"), "editor2": editor("editor2"), "checker": checker("checker1")}
    original = article_ingest(data=ArticleInput(body=sample_text())).article  # extracted in-process
    # No evidence of lethal aid, by US intelligence: the paraphrase says it again in other words.
    earlier = original.claims.get(text__startswith="Les responsables du renseignement américain ont toujours")
    with transaction.atomic():  # PostgreSQL checks at commit that an approved claim has its approved verdict
        type(earlier).objects.filter(pk=earlier.pk).update(status=ClaimStatus.APPROVED, assignee=people["checker"])
        verdict = Verdict.objects.create(
            claim=earlier,
            rating="true",
            summary="Aucune preuve publique.",
            author=people["checker"],
            submitted_at=timezone.now(),
        )
        Review.objects.create(verdict=verdict, reviewer=people["editor2"], decision="approve")
    paraphrase = (ROOT / "tests" / "fixtures" / "chine-russie-paraphrase-fr.txt").read_text(encoding="utf-8")
    article_ingest(data=ArticleInput(body=paraphrase))  # extracted, then matched, in-process
    match = ClaimMatch.objects.filter(earlier_claim=earlier).order_by("-score").first()  # its paraphrase
    assert match is not None, "the paraphrase was not matched to the earlier claim"
    return people, earlier, match


def test_an_editor_sees_a_repeat_in_triage_and_sends_the_earlier_verdict_to_review(open_page, live_server, repeated):
    people, earlier, match = repeated
    page = open_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "editor1")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/triage/?article={match.claim.article_id}")
    row = page.locator(f"#triage-{match.claim_id}")
    assert "Checked before:" in row.inner_text() and "True" in row.inner_text()

    page.goto(f"{live_server.url}/claims/{match.claim_id}/")
    section = page.locator("#matches")
    assert "Earlier verdict:" in section.inner_text() and "Aucune preuve publique." in section.inner_text()
    section.locator(f"[data-match='{match.pk}'] [data-decision=reuse]").click()
    page.wait_for_selector("#claim-status")
    assert "In review" in page.inner_text("#claim-status")

    match.claim.refresh_from_db()
    assert match.claim.status == ClaimStatus.IN_REVIEW
    assert match.claim.verdicts.get().rating == "true"
    assert ClaimMatch.objects.get(pk=match.pk).status == MatchStatus.CONFIRMED
    assert open_page.csp_violations == []
