"""An editor sees more of the sample article's sentences by lowering its threshold, in the browser:
the claim already triaged stays as it is, the new claims appear, and the page says which line applies.
In French and in English, on a wide screen and on a phone, with screenshots."""

import pytest

from claims.models import ClaimStatus
from claims.services.ingestion import ArticleInput, article_ingest
from tests.browser.test_story import PASSWORD
from tests.browser.test_tags_story import PHONE, WIDE, _shot
from tests.factories import editor
from tests.helpers import sample_text

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "fr": {
        "login": "Se connecter",
        "open": "Voir plus ou moins",
        "line": "Les affirmations sont les phrases dont le score atteint {line}, {whose}.",
        "own": "le seuil propre à cet article",
        "scorer": "le seuil propre au modèle",
        "low": "0,20",
    },
    "en": {
        "login": "Log in",
        "open": "See more or fewer",
        "line": "Claims are the sentences scoring at least {line}, {whose}.",
        "own": "this article's own line",
        "scorer": "the scorer's own line",
        "low": "0.20",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_editor_lowers_the_sample_article_s_threshold_and_keeps_the_triaged_claim(
    open_page, live_server, transactional_db, language
):
    editor("editor1")
    article = article_ingest(data=ArticleInput(body=sample_text())).article  # extracted in-process
    article.refresh_from_db()
    before = article.claims.count()
    triaged = article.claims.order_by("-score").first()
    triaged.status, triaged.wording = ClaimStatus.TO_CHECK, "Formulation de la rédaction"
    triaged.save()
    words = TEXT[language]

    for size in (WIDE, PHONE):
        page = open_page("fr-FR" if language == "fr" else "en-US")
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "editor1")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name=words["login"]).click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}{article.get_absolute_url()}")
        article.refresh_from_db()
        line = f"{article.extraction_threshold:.2f}".replace(".", "," if language == "fr" else ".")
        assert page.inner_text("#claim-line") == words["line"].format(
            line=line, whose=words["own"] if article.claim_threshold is not None else words["scorer"]
        )
        page.get_by_text(words["open"]).click()
        if size is WIDE:
            field = page.locator("#claim-threshold input[name=threshold]")
            field.fill("1.2")  # the browser refuses it before the server would (tested there too)
            assert field.evaluate("input => !input.checkValidity() && input.validity.rangeOverflow")
            page.fill("#claim-threshold input[name=threshold]", "0.2")
            with page.expect_navigation():  # the extraction runs in-process, then the page comes back
                page.locator("#claim-threshold button[type=submit]").click()
            page.wait_for_selector("#claim-line")
            assert page.inner_text("#claim-line") == words["line"].format(line=words["low"], whose=words["own"])
        _shot(page, f"threshold-{language}-{size['width']}")
        page.context.close()

    article.refresh_from_db()
    assert article.claim_threshold == 0.2 and article.extraction_status == "extracted"
    assert article.claims.count() > before
    triaged.refresh_from_db()  # the same row, its work intact
    assert (triaged.status, triaged.wording) == (ClaimStatus.TO_CHECK, "Formulation de la rédaction")
