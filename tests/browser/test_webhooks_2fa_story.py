"""In the browser, in both languages: an administrator registers a webhook to a local receiver,
sends a test event and sees it delivered, the receiver checking its signature; an editor enrols
two-factor login with the secret read from the page, logs out, and logs in again with a code.
Screenshots at 1366 px and 390 px are kept in test-artifacts/."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import two_factor as tf
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_story import PASSWORD
from tests.factories import UserFactory, editor
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = [("en-US", "en"), ("fr-FR", "fr")]


def shoot(page, name: str) -> None:
    """The page at desktop and phone widths."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"webhooks-2fa-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form button[type=submit]").click()


def code_from(secret_text: str, drift: int = 0) -> str:
    secret = secret_text.replace(" ", "").strip()
    return f"{totp(b32decode(secret + '=' * (-len(secret) % 8)), drift=drift):06d}"


@pytest.mark.parametrize(("locale", "lang"), LANGUAGES)
def test_an_administrator_registers_a_webhook_and_sees_a_signed_test_event_delivered(
    open_page, live_server, settings, locale, lang
):
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    receiver = Receiver().start()
    try:
        page = open_page(locale)
        log_in(page, live_server.url, "admin")
        page.wait_for_url(f"{live_server.url}/")
        page.locator("details.account summary").click()
        page.locator("details.account a[href='/webhooks/']").click()
        page.locator("a[href='/webhooks/new/']").click()
        page.fill("#id_name", "Newsroom CMS")
        page.fill("#id_url", receiver.url)
        page.check("input[value='verdict.approved']")
        page.check("input[value='claim.status_changed']")
        shoot(page, f"{lang}-webhook-form")
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_selector("#delivery-log")
        page.locator("details summary").filter(has_text="secret" if lang == "en" else "secret").first.click()
        secret = page.inner_text("#webhook-secret").strip()
        assert secret == WebhookEndpoint.objects.get().secret
        receiver.secret = secret  # the receiver's operator copies it from this page

        page.locator("form[action$='/test/'] button").click()
        page.wait_for_selector("#delivery-log .badge.delivered")
        [hit] = receiver.events("webhook.test")
        assert hit["valid"] is True  # checked with the README's snippet
        log = page.inner_text("#delivery-log")
        assert hit["headers"]["X-Factcheck-Delivery"] in log
        assert ("Delivered" if lang == "en" else "Livré") in log
        assert WebhookDelivery.objects.get().status == "delivered"
        shoot(page, f"{lang}-webhook-delivered")
        assert open_page.csp_violations == []
    finally:
        receiver.stop()


@pytest.mark.parametrize(("locale", "lang"), LANGUAGES)
def test_an_editor_enrols_two_factor_login_and_logs_in_with_a_code(open_page, live_server, settings, locale, lang):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    person = editor("editor1")
    page = open_page(locale)
    log_in(page, live_server.url, "editor1")
    page.wait_for_url(f"{live_server.url}/")
    page.locator("details.account summary").click()
    page.locator("details.account a[href='/account/two-factor/']").click()
    page.locator("a[href='/account/two-factor/enrol/']").click()
    page.wait_for_selector(".qr svg")
    secret = page.inner_text("#totp-secret")
    shoot(page, f"{lang}-2fa-enrol")
    page.fill("#id_code", code_from(secret))
    page.locator("#enrol-form button").click()
    page.wait_for_selector("#recovery-codes")
    assert len(page.locator("#recovery-codes li").all()) == 10
    shoot(page, f"{lang}-2fa-recovery-codes")
    assert tf.is_enrolled(person)

    page.goto(f"{live_server.url}/")
    page.locator("details.account summary").click()
    page.locator("details.account form[action='/accounts/logout/'] button").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")

    log_in(page, live_server.url, "editor1")
    page.wait_for_url(f"{live_server.url}/accounts/login/code/")
    page.fill("#id_code", "000000")
    page.locator("#code-form button").click()
    assert page.locator("#code-form .errorlist").count() == 1
    shoot(page, f"{lang}-2fa-code-step")
    page.fill("#id_code", code_from(secret, drift=1))  # the enrolment used the current step
    page.locator("#code-form button").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("details.account summary").inner_text().strip() != ""
    assert open_page.csp_violations == []
