"""Triage with the keyboard: the cursor survives each decision, and a decision can be undone."""

import pytest

from claims.models import ClaimStatus
from tests.browser.test_story import PASSWORD
from tests.factories import ArticleFactory, ClaimFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCES = ["Le chômage a baissé de 2 %.", "La dette atteint 110 % du PIB.", "Les prix ont monté de 5 %."]


@pytest.mark.parametrize(("locale", "login"), [("fr-FR", "Se connecter"), ("en-US", "Log in")])
def test_keep_keep_undo_with_the_keyboard(open_page, live_server, locale, login):
    editor("editor1")
    article = ArticleFactory(body=" ".join(SENTENCES))
    claims = []
    for score, sentence in zip((0.9, 0.8, 0.7), SENTENCES, strict=True):
        start = article.body.index(sentence)
        claims.append(ClaimFactory(article=article, start=start, end=start + len(sentence), text=sentence, score=score))
    page = open_page(locale)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "editor1")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=login).click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/triage/")

    page.keyboard.press("a")
    page.wait_for_selector(f"#triage-{claims[0].pk}[data-done]")
    page.wait_for_selector(f"#triage-{claims[1].pk}.current")  # the cursor moved on, it did not vanish
    page.keyboard.press("a")  # once threw a JavaScript error
    page.wait_for_selector(f"#triage-{claims[1].pk}[data-done]")
    page.wait_for_selector(f"#triage-{claims[2].pk}.current")
    page.keyboard.press("u")  # undo the last decision
    page.wait_for_selector(f"#triage-{claims[1].pk}:not([data-done])")

    statuses = [type(c).objects.get(pk=c.pk).status for c in claims]
    assert statuses == [ClaimStatus.TO_CHECK, ClaimStatus.DETECTED, ClaimStatus.DETECTED]
    assert errors == []
    assert open_page.csp_violations == []
