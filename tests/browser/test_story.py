"""The desk's whole day in a real browser: triage, assignment, checking, second review, history."""

import datetime as dt

import pytest

from claims.models import Article, Claim, ClaimStatus
from claims.services.ingestion import ArticleInput, article_ingest
from tests.factories import checker, editor
from tests.helpers import sample_text

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-for-tests-only"

TEXT = {
    "fr": {
        "keep": "Garder",
        "dismiss": "Écarter",
        "assign": "Assigner",
        "evidence": "Ajouter la preuve",
        "submit": "Soumettre pour relecture",
        "record_rating": "Enregistrer ma note",
        "skip": "Afficher le verdict sans noter",
        "review": "Enregistrer la relecture",
        "approve": "Approuver",
        "send_back": "Renvoyer",
        "approved": "Approuvée",
        "in_progress": "En cours",
        "login": "Se connecter",
    },
    "en": {
        "keep": "Keep",
        "dismiss": "Dismiss",
        "assign": "Assign",
        "evidence": "Add evidence",
        "submit": "Submit for review",
        "record_rating": "Record my rating",
        "skip": "Skip and show the verdict",
        "review": "Record review",
        "approve": "Approve",
        "send_back": "Send back",
        "approved": "Approved",
        "in_progress": "In progress",
        "login": "Log in",
    },
}


@pytest.fixture
def desk(transactional_db):
    people = {"editor": editor("editor1"), "editor2": editor("editor2"), "checker": checker("checker1")}
    article = article_ingest(data=ArticleInput(body=sample_text())).article  # extracted in-process
    article.refresh_from_db()
    assert article.extraction_status == "extracted"
    return people, article


def _login(page, live_server, username, words):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_whole_story_in_the_browser(open_page, live_server, desk, language):
    people, article = desk
    words = TEXT[language]
    claims = list(article.claims.order_by("-score", "start"))
    kept, dismissed = claims[:3], claims[3]

    # An editor logs in, opens the sample article, triages.
    page = open_page("fr-FR" if language == "fr" else "en-US")
    _login(page, live_server, "editor1", words)
    page.goto(f"{live_server.url}/articles/")
    page.get_by_role("link", name=article.title[:30]).first.click()
    page.wait_for_selector(f"#claim-{kept[0].pk}")
    page.goto(f"{live_server.url}/triage/")
    page.keyboard.press("a")  # keep the first (highest-scored) claim with the keyboard
    page.wait_for_selector(f"#triage-{kept[0].pk}.done")
    for claim in kept[1:]:
        page.locator(f"#triage-{claim.pk} [data-action=keep]").click()
        page.wait_for_selector(f"#triage-{claim.pk}.done")
    page.locator(f"#triage-{dismissed.pk} [data-action=dismiss]").click()
    page.wait_for_selector(f"#triage-{dismissed.pk}.done")
    assert [Claim.objects.get(pk=c.pk).status for c in kept] == [ClaimStatus.TO_CHECK] * 3
    assert Claim.objects.get(pk=dismissed.pk).status == ClaimStatus.DISMISSED

    # ...and assigns two of them to the checker.
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    for claim in kept[:2]:
        page.goto(f"{live_server.url}/claims/{claim.pk}/")
        page.select_option("#assign-form select[name=assignee]", str(people["checker"].pk))
        page.fill("#assign-form input[name=due_date]", due)
        page.fill("#assign-form textarea[name=note]", "Urgent")
        page.locator("#assign-form button[type=submit]").click()
        page.wait_for_selector("#evidence")
    assert Claim.objects.filter(assignee=people["checker"], status=ClaimStatus.ASSIGNED).count() == 2

    # The checker logs in, adds evidence and proposes a verdict on both.
    checker_page = open_page("fr-FR" if language == "fr" else "en-US")
    _login(checker_page, live_server, "checker1", words)
    checker_page.goto(f"{live_server.url}/queue/")
    for claim, rating in zip(kept[:2], ("false", "mostly_true"), strict=True):
        checker_page.locator(f"a[href='/claims/{claim.pk}/']").first.click()
        checker_page.fill("#evidence-form input[name=url]", "https://www.insee.fr/fr/statistiques")
        checker_page.fill("#evidence-form input[name=title]", "INSEE")
        checker_page.select_option("#evidence-form select[name=stance]", "refutes")
        checker_page.get_by_role("button", name=words["evidence"]).click()
        checker_page.wait_for_selector("#evidence a[href='https://www.insee.fr/fr/statistiques']")
        checker_page.select_option("#verdict-form select[name=rating]", rating)
        checker_page.fill("#verdict-form textarea[name=summary]", "Résumé du verdict")
        checker_page.fill("#verdict-form textarea[name=rationale]", "Les chiffres officiels disent autre chose.")
        checker_page.get_by_role("button", name=words["submit"]).click()
        checker_page.wait_for_selector("#verdict")
        checker_page.goto(f"{live_server.url}/queue/")
    assert Claim.objects.filter(pk__in=[c.pk for c in kept[:2]], status=ClaimStatus.IN_REVIEW).count() == 2

    # A second editor approves one (after an independent rating) and sends the other back.
    reviewer = open_page("fr-FR" if language == "fr" else "en-US")
    _login(reviewer, live_server, "editor2", words)
    reviewer.goto(f"{live_server.url}/claims/{kept[0].pk}/")
    # Blind: nothing of the proposed verdict shows before the reviewer's own rating, not even in the history.
    assert "Résumé du verdict" not in reviewer.content()
    reviewer.select_option("#blind-rating-form select[name=rating]", "false")
    reviewer.get_by_role("button", name=words["record_rating"]).click()
    reviewer.wait_for_selector("#review-form")
    assert "Résumé du verdict" in reviewer.content()
    reviewer.get_by_label(words["approve"]).check()
    reviewer.get_by_role("button", name=words["review"]).click()
    reviewer.wait_for_selector("#claim-status")
    assert reviewer.inner_text("#claim-status") == words["approved"]
    reviewer.goto(f"{live_server.url}/claims/{kept[1].pk}/")
    reviewer.get_by_role("button", name=words["skip"]).click()
    reviewer.get_by_label(words["send_back"]).check()
    reviewer.fill("#review-form textarea[name=comment]", "Il manque la source primaire.")
    reviewer.get_by_role("button", name=words["review"]).click()
    reviewer.wait_for_selector("#claim-status")
    assert reviewer.inner_text("#claim-status") == words["in_progress"]

    # The timelines show all of it.
    approved = Claim.objects.get(pk=kept[0].pk)
    assert approved.status == ClaimStatus.APPROVED
    reviewer.goto(f"{live_server.url}/claims/{kept[0].pk}/")
    timeline = reviewer.inner_text("#timeline")
    for who in ("editor1", "checker1", "editor2"):
        assert who in timeline
    assert [e.kind for e in approved.events.order_by("id")] == [
        "status",
        "status",
        "assigned",
        "status",
        "evidence",
        "status",
        "verdict",
        "blind",
        "status",
        "review",
    ]
    # An editor downloads the PDF report and the ClaimReview of the article.
    page.goto(f"{live_server.url}/articles/{article.pk}/report/?lang={language}")
    assert f'id="claim-{kept[0].pk}"' in page.content()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF").click()
    assert pdf.value.suggested_filename == f"verification-{article.pk}-{language}.pdf"
    assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
    jsonld = page.locator("script[type='application/ld+json']").inner_text()
    assert '"ClaimReview"' in jsonld and f"#claim-{kept[0].pk}" in jsonld

    sent_back = Claim.objects.get(pk=kept[1].pk)
    assert sent_back.events.filter(kind="review", message="Il manque la source primaire.").exists()
    assert Article.objects.count() == 1
    assert open_page.csp_violations == []
