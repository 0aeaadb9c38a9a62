"""A newsroom's first hour, in French and English: assign, the checker's notification, a
reassignment that keeps its due date, and the spreadsheet export with labels in the page's
language."""

import datetime as dt
import io

import pytest

from claims.models import ClaimStatus
from tests.browser.test_story import _login
from tests.factories import ArticleFactory, ClaimFactory, checker, editor

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "fr": {"login": "Se connecter", "assign": "Assigner", "download": "Télécharger maintenant", "status": "Statut"},
    "en": {"login": "Log in", "assign": "Assign", "download": "Download now", "status": "Status"},
}
LABEL_TO_CHECK = {"fr": "À vérifier", "en": "To check"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_assign_notify_reassign_and_export_a_spreadsheet(open_page, live_server, language):
    from openpyxl import load_workbook

    words, locale = WORDS[language], "fr-FR" if language == "fr" else "en-US"
    editor("editor1")
    chloe, marc = checker("checker1"), checker("checker2")
    chloe.first_name, chloe.last_name = "Chloé", "Durand"
    chloe.save()
    marc.first_name, marc.last_name = "Marc", "Petit"
    marc.save()
    claim = ClaimFactory(article=ArticleFactory(title="Emploi"), status=ClaimStatus.TO_CHECK)
    kept = ClaimFactory(status=ClaimStatus.TO_CHECK)  # stays "to check" for the export

    # The editor assigns the claim to Chloé with a due date.
    page = open_page(locale)
    _login(page, live_server, "editor1", words)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.select_option("#assign-form select[name=assignee]", str(chloe.pk))
    page.fill("#assign-form input[name=due_date]", "2030-01-31")
    page.locator("#assign-form").get_by_role("button", name=words["assign"]).click()
    page.wait_for_selector("text=Chloé Durand")

    # Chloé sees a notification in the navigation and follows it to the claim.
    reader = open_page(locale)
    _login(reader, live_server, "checker1", words)
    assert reader.inner_text("header .inbox .count") == "1"
    reader.click("header .inbox")
    reader.locator(f"a[href*='/claims/{claim.pk}/']").first.click()
    reader.wait_for_url(f"{live_server.url}/claims/{claim.pk}/**")

    # The editor reassigns to Marc: the form starts from Chloé and the due date, and keeps the date.
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert page.input_value("#assign-form select[name=assignee]") == str(chloe.pk)
    assert page.input_value("#assign-form input[name=due_date]") == "2030-01-31"
    page.select_option("#assign-form select[name=assignee]", str(marc.pk))
    page.locator("#assign-form").get_by_role("button", name=words["assign"]).click()
    page.wait_for_selector("text=Marc Petit")
    claim.refresh_from_db()
    assert (claim.assignee, claim.due_date) == (marc, dt.date(2030, 1, 31))

    # The spreadsheet export: headings and labels in the page's language, codes beside them.
    page.goto(f"{live_server.url}/exports/")
    page.select_option("#export-form select[name=format]", "xlsx")
    page.select_option("#export-form select[name=status]", ClaimStatus.TO_CHECK.value)
    with page.expect_download() as download:
        page.locator("#export-form").get_by_role("button", name=words["download"]).click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert words["status"] in header
    assert [row[0] for row in body] == [kept.pk]
    assert LABEL_TO_CHECK[language] in body[0]
    assert ClaimStatus.TO_CHECK.value in body[0]
    assert open_page.csp_violations == []
