"""An editor connects the desk to the newsroom in the browser: subscribes a feed, polls it, sees its articles
arrive; gives an article by its link and finds it read on its page. Both languages, desktop and phone.

Tasks run in the live server's process (eager, after each commit), against a real local newsroom server.
"""

import pytest

from claims.models import Article, Feed
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_story import PASSWORD
from tests.factories import editor
from tests.newsroom import Newsroom

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

WORDS = {
    "fr": {
        "login": "Se connecter",
        "feeds": "Flux",
        "subscribe": "S’abonner",
        "poll": "Interroger maintenant",
        "pause": "Mettre en pause",
        "paused": "En pause",
        "new": "Nouvel article",
        "save": "Enregistrer et extraire",
        "ingested": "Importé",
        "extracted": "Extrait",
    },
    "en": {
        "login": "Log in",
        "feeds": "Feeds",
        "subscribe": "Subscribe",
        "poll": "Poll now",
        "pause": "Pause",
        "paused": "Paused",
        "new": "New article",
        "save": "Save and extract",
        "ingested": "Ingested",
        "extracted": "Extracted",
    },
}


@pytest.fixture
def newsroom(transactional_db):
    with Newsroom() as server:
        yield server


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"feeds-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_editor_subscribes_a_feed_and_ingests_a_link(open_page, live_server, newsroom, language):
    editor("editor1")
    words = WORDS[language]
    page = open_page("fr-FR" if language == "fr" else "en-US")
    page.set_viewport_size(DESKTOP)
    # Tasks run inside the live server's requests here (a first spaCy load among them): allow for it.
    page.set_default_timeout(90_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "editor1")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url(f"{live_server.url}/")

    # Subscribe: the first poll runs as the subscription commits; its two items arrive as articles.
    page.locator("nav.main-nav").get_by_role("link", name=words["feeds"]).click()
    page.fill("#id_url", newsroom.base + "/rss.xml")
    page.fill("#id_outlet", "Le Quotidien Local")
    page.locator("#feed-form").get_by_role("button", name=words["subscribe"]).click()
    feed = Feed.objects.get()
    page.wait_for_url(f"{live_server.url}/feeds/{feed.pk}/")
    page.reload()
    assert page.inner_text("#feed-items-seen") == "2" and page.inner_text("#feed-items-ingested") == "2"
    items = page.inner_text("#feed-items")
    assert "Nouvelle 1" in items and "Nouvelle 2" in items and words["ingested"] in items
    shoot(page, f"{language}-feed")

    # Poll again: nothing new, nothing twice.
    page.get_by_role("button", name=words["poll"]).click()
    page.wait_for_url(f"{live_server.url}/feeds/{feed.pk}/")
    assert page.inner_text("#feed-items-ingested") == "2" and Article.objects.count() == 2

    # An article that came from the feed, read from its page (the item carried only a summary).
    page.locator("#feed-items").get_by_role("link", name="Nouvelle 1").click()
    page.wait_for_selector("#extraction-progress")
    assert words["extracted"] in page.inner_text("#extraction-progress")
    assert "nouvelle 1" in page.inner_text("#article-body")

    # Pause and see it said.
    page.goto(f"{live_server.url}/feeds/{feed.pk}/")
    page.get_by_role("button", name=words["pause"]).click()
    page.wait_for_url(f"{live_server.url}/feeds/{feed.pk}/")
    assert words["paused"] in page.inner_text("#feed-facts")
    shoot(page, f"{language}-feed-paused")

    # A link alone in the article form: fetched, read and extracted; its page says so.
    page.locator("a.new-article").click()
    page.fill("#id_url", newsroom.base + "/article.html")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_selector("#extraction-progress")
    article = Article.objects.get(url=newsroom.base + "/article.html")
    assert page.url == f"{live_server.url}/articles/{article.pk}/"
    assert "La ministre et le chômage" in page.inner_text("h1")
    page.wait_for_function(
        "words => document.querySelector('#extraction-progress').innerText.includes(words)", arg=words["extracted"]
    )
    assert article.claims.exists()
    shoot(page, f"{language}-link")

    # A link that fails says why, in words, with a way to try again.
    page.locator("a.new-article").click()
    page.fill("#id_url", newsroom.base + "/404")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_selector("#extraction-progress .errorlist")
    assert "404" in page.inner_text("#extraction-progress")
    shoot(page, f"{language}-link-failed")
    assert open_page.csp_violations == []
