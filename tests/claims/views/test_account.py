"""Sign out everywhere: every session of the user ends, on every device, and their API token too."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import editor

PASSWORD = "pw-for-tests-only"
pytestmark = pytest.mark.django_db

SESSION_ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"]


def _logged_in(username: str) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _signed_in(client: Client) -> bool:
    return client.get(reverse("claims:dashboard")).status_code == 200


@pytest.mark.parametrize("engine", SESSION_ENGINES)
def test_signing_out_everywhere_ends_every_session_and_the_api_token(engine, editor_user):
    with override_settings(SESSION_ENGINE=engine):
        laptop, phone, bystander = _logged_in("editor"), _logged_in("editor"), _logged_in(editor("editor2").username)
        token = APIClient().post("/api/auth/token/", {"username": "editor", "password": PASSWORD}).json()["token"]

        response = laptop.post(reverse("claims:sign-out-everywhere"), follow=True, HTTP_ACCEPT_LANGUAGE="en")

        assert response.redirect_chain[-1][0].startswith(reverse("login"))
        assert "You are signed out everywhere" in response.content.decode()
        assert not _signed_in(laptop) and not _signed_in(phone)
        assert _signed_in(bystander)
        assert not Token.objects.filter(key=token).exists()
        assert _signed_in(_logged_in("editor"))  # a new login starts afresh


def test_a_session_opened_by_the_api_with_its_cookie_ends_too(editor_user):
    browser = _logged_in("editor")
    api = APIClient()
    api.cookies = browser.cookies  # the same session cookie a script might reuse
    browser.post(reverse("claims:sign-out-everywhere"))
    assert api.get("/api/claims/").status_code in (401, 403)


def test_sign_out_everywhere_is_post_only(client, editor_user):
    client.force_login(editor_user)
    assert client.get(reverse("claims:sign-out-everywhere")).status_code == 405
    assert _signed_in(client)


def test_anyone_logged_in_may_sign_out_everywhere_and_the_anonymous_are_sent_to_log_in(client, outsider):
    response = client.post(reverse("claims:sign-out-everywhere"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(outsider)
    assert client.post(reverse("claims:sign-out-everywhere")).status_code == 302
    assert client.get(reverse("password_change")).status_code == 302  # signed out


def test_the_password_page_offers_sign_out_everywhere_in_french(client, editor_user):
    client.force_login(editor_user)
    page = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'action="{reverse("claims:sign-out-everywhere")}"' in page
    assert "Se déconnecter partout" in page
