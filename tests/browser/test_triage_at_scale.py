"""Triage on a busy desk in the browser: from the dashboard's chart, filter, select all, keep them at once,
then walk what is left claim by claim."""

import re

import pytest

from claims.models import Claim, ClaimStatus
from tests.browser.test_story import PASSWORD
from tests.factories import ArticleFactory, ClaimFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCES = ["Le chômage a baissé de 2 %.", "La dette atteint 110 % du PIB.", "Les prix ont monté de 5 %."]

TEXT = {
    "fr": {
        "login": "Se connecter",
        "three": "3 affirmations correspondent.",
        "updated": "3 affirmations mises à jour.",
        "empty": "Rien à trier.",
        "next": "suivante →",
        "previous": "← précédente",
    },
    "en": {
        "login": "Log in",
        "three": "3 claims match.",
        "updated": "3 claims updated.",
        "empty": "Nothing to triage.",
        "next": "next →",
        "previous": "← previous",
    },
}


def _claims(outlet: str, claimants_and_scores, edition: int) -> list[Claim]:
    article = ArticleFactory(body=" ".join(SENTENCES) + f" Édition {edition}.", outlet=outlet)
    made = []
    for sentence, (claimant, score) in zip(SENTENCES, claimants_and_scores, strict=False):
        start = article.body.index(sentence)
        made.append(
            ClaimFactory(
                article=article, start=start, end=start + len(sentence), text=sentence, claimant=claimant, score=score
            )
        )
    return made


@pytest.fixture
def desk(transactional_db):
    editor("editor1")
    ministers = _claims("Le Monde", [("Le ministre", 0.9), ("Le ministre", 0.6), ("l'INSEE", 0.8)], 0)
    ministers += _claims("Le Monde", [("La ministre", 0.3), ("Eurostat", 0.7), ("Eurostat", 0.5)], 1)
    others = [c for n in range(2, 14) for c in _claims("Libération", [("Le ministre", 0.95), ("", 0.4)], n)]
    return ministers, others


@pytest.mark.parametrize("language", ["fr", "en"])
def test_filter_select_all_keep_and_walk_the_list(open_page, live_server, desk, language):
    ministers, others = desk
    words = TEXT[language]
    page = open_page("fr-FR" if language == "fr" else "en-US")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "editor1")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url(f"{live_server.url}/")

    # The dashboard's bar of detected claims opens triage; the list is long, and the bulk bar stays in view.
    page.locator("svg.chart a[data-status=detected]").click()
    page.wait_for_url(f"{live_server.url}/triage/")
    table, bar = page.locator("#bulk-form table").bounding_box(), page.locator(".bulk-bar").bounding_box()
    assert table["height"] > 900 and bar["y"] + bar["height"] <= 900

    # Filter: Le Monde, a minister.
    page.fill("#id_outlet", "Le Monde")
    page.fill("#id_claimant", "ministre")
    page.locator("#claim-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"/triage/\?.*claimant=ministre"))
    assert words["three"] in page.inner_text("#claim-count")
    chosen = [ministers[0], ministers[1], ministers[3]]  # best score first
    rows = page.locator("[data-triage-row]").evaluate_all("rows => rows.map(row => row.id)")
    assert rows == [f"triage-{c.pk}" for c in chosen]

    # Select all on the page, keep them all at once, and come back to the same filtered list.
    page.check("[data-select-all]")
    assert page.locator("input[name=claims]:checked").count() == 3
    assert page.inner_text("[data-selected-count]") == "3"
    page.select_option("#id_action", "keep")
    page.locator(".bulk-bar button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert "outlet=Le+Monde" in page.url and "claimant=ministre" in page.url
    assert words["updated"] in page.inner_text(".messages")
    assert words["empty"] in page.inner_text("#bulk-form")
    assert {c.status for c in Claim.objects.filter(pk__in=[c.pk for c in chosen])} == {ClaimStatus.TO_CHECK}
    assert not Claim.objects.filter(pk__in=[c.pk for c in others], status=ClaimStatus.TO_CHECK).exists()

    # What is left of Le Monde, newest article first and in reading order: walk it on the claim pages.
    page.fill("#id_claimant", "")
    page.select_option("#id_sort", "article")
    page.locator("#claim-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"/triage/\?.*sort=article"))
    assert words["three"] in page.inner_text("#claim-count")
    left = [ministers[4], ministers[5], ministers[2]]  # the newer article's claims in reading order, then the older's
    page.locator(f"#triage-{left[0].pk} td a").first.click()
    page.wait_for_url(f"**/claims/{left[0].pk}/?from=triage*")
    assert page.locator("nav.walk [data-walk=previous]").count() == 0
    for claim in left[1:]:
        page.get_by_role("link", name=words["next"]).click()
        page.wait_for_url(f"**/claims/{claim.pk}/?from=triage*")
    assert page.locator("nav.walk [data-walk=next]").count() == 0  # the end of the list
    page.get_by_role("link", name=words["previous"]).click()
    page.wait_for_url(f"**/claims/{left[-2].pk}/?from=triage*")
    page.locator("nav.walk [data-walk=list]").click()
    page.wait_for_url(re.compile(r"/triage/\?outlet=Le\+Monde&sort=article$"))

    assert errors == []
    assert open_page.csp_violations == []
