"""Tags and a saved search in the browser: an editor creates a tag, tags claims in bulk from triage,
filters the claims list by it and saves that search for the desk; a checker finds it in the navigation
with its count, on a wide screen and on a phone. In French and in English, with screenshots."""

import pytest

from claims.models import ClaimTag, SavedSearch
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_story import PASSWORD
from tests.factories import ArticleFactory, ClaimFactory, checker, editor

pytestmark = pytest.mark.django_db(transaction=True)

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
TEXT = {
    "fr": {"login": "Se connecter", "name": "Budget à vérifier", "matches": "2 affirmations"},
    "en": {"login": "Log in", "name": "Budget to check", "matches": "2 claims match"},
}


@pytest.fixture
def desk(transactional_db):
    people = {"editor": editor("editor1"), "checker": checker("checker1")}
    article = ArticleFactory(body="Le déficit a atteint 5 % du PIB. La dette dépasse 3 000 milliards. Fin.")
    claims = []
    for sentence in ("Le déficit a atteint 5 % du PIB.", "La dette dépasse 3 000 milliards."):
        start = article.body.index(sentence)
        claims.append(ClaimFactory(article=article, text=sentence, start=start, end=start + len(sentence)))
    claims.append(ClaimFactory())  # another article's claim, left untagged
    return people, claims


def _login(page, live_server, username, words):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url(f"{live_server.url}/")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_editor_tags_in_bulk_and_saves_the_search_that_a_checker_finds_in_the_navigation(
    open_page, live_server, desk, language
):
    people, claims = desk
    words = TEXT[language]
    locale = "fr-FR" if language == "fr" else "en-US"

    # The editor creates the tag on the tags page.
    page = open_page(locale)
    page.set_viewport_size(WIDE)
    _login(page, live_server, "editor1", words)
    page.goto(f"{live_server.url}/tags/")
    page.fill("#id_name", "Budget")
    page.select_option("#id_colour", "blue")
    with page.expect_navigation():  # the form posts, then the page comes back with the tag
        page.locator("#tag-create button[type=submit]").click()
    assert "Budget" in page.inner_text("table")

    # Tags two claims at once from triage.
    page.goto(f"{live_server.url}/triage/")
    for claim in claims[:2]:
        page.check(f"input[name=claims][value='{claim.pk}']")
    page.select_option("#id_action", "tag")
    page.select_option("#id_bulk_tag", "budget")
    with page.expect_navigation():
        page.locator(".bulk-bar button[type=submit]").click()
    assert set(ClaimTag.objects.values_list("claim_id", flat=True)) == {claims[0].pk, claims[1].pk}

    # Filters the claims list by it, and saves that search for the whole desk.
    page.goto(f"{live_server.url}/claims/")
    page.select_option("#claim-filters #id_tag", "budget")
    with page.expect_navigation():
        page.locator("#claim-filters button[type=submit]").click()
    assert "tag=budget" in page.url  # with the form's other (empty) fields
    assert words["matches"] in page.inner_text("#claim-count")
    page.fill(".save-search input[name=name]", words["name"])
    page.check(".save-search input[name=desk_wide]")
    with page.expect_navigation():
        page.locator(".save-search button[type=submit]").click()
    assert page.url.endswith("/claims/?tag=budget")
    saved = SavedSearch.objects.get()
    assert (saved.desk_wide, saved.query, saved.name) == (True, "tag=budget", words["name"])
    _shot(page, f"tags-story-{language}-editor-1366")

    # A checker finds it in the navigation, with its count, on a wide screen...
    other = open_page(locale)
    other.set_viewport_size(WIDE)
    _login(other, live_server, "checker1", words)
    menu = other.locator("details[data-saved-nav]")
    menu.locator("summary").click()
    link = menu.locator(f"a[data-saved='{saved.pk}']")
    assert link.is_visible() and words["name"] in link.inner_text()
    assert link.locator("[data-saved-count]").inner_text() == "2"
    _shot(other, f"tags-story-{language}-checker-1366")
    link.click()
    other.wait_for_url("**/claims/?tag=budget")
    assert words["matches"] in other.inner_text("#claim-count")

    # ...and on a phone, where the navigation wraps and the menu still opens within the screen.
    other.set_viewport_size(PHONE)
    other.goto(f"{live_server.url}/")
    menu = other.locator("details[data-saved-nav]")
    menu.locator("summary").click()
    link = menu.locator(f"a[data-saved='{saved.pk}']")
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    assert other.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(other, f"tags-story-{language}-checker-390")
    link.click()
    other.wait_for_url("**/claims/?tag=budget")

    # The claim page shows its tag to the checker, read-only.
    other.goto(f"{live_server.url}/claims/{claims[0].pk}/")
    tag = other.locator("[data-tag=budget]")
    assert tag.is_visible() and tag.locator("button").count() == 0
    assert open_page.csp_violations == []
