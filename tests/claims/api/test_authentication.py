"""API tokens: they expire, a new one replaces an expired one, and their owner can revoke them."""

from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

PASSWORD = "pw-for-tests-only"
pytestmark = pytest.mark.django_db


def _ask_for_token(username: str, password: str = PASSWORD, client: APIClient | None = None):
    return (client or APIClient()).post("/api/auth/token/", {"username": username, "password": password})


def _with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _age(key: str, days: float) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=days))


def test_asking_again_returns_the_same_token_with_its_expiry_while_it_lasts(editor_user):
    first = _ask_for_token("editor").json()
    second = _ask_for_token("editor").json()
    assert second["token"] == first["token"]
    created = Token.objects.get(key=first["token"]).created
    assert datetime.fromisoformat(second["expires_at"]) == created + timedelta(days=30)


def test_a_token_within_its_lifetime_works(editor_user):
    key = _ask_for_token("editor").json()["token"]
    _age(key, 29)
    assert _with_token(key).get("/api/claims/").status_code == 200


def test_an_expired_token_is_refused_with_how_to_get_a_new_one_and_deleted(editor_user):
    key = _ask_for_token("editor").json()["token"]
    _age(key, 30.01)
    response = _with_token(key).get("/api/claims/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "Your API token has expired (tokens last 30 days). Ask for a new one: "
        "POST your username and password to /api/auth/token/."
    )
    assert response["WWW-Authenticate"] == "Token"
    assert not Token.objects.filter(key=key).exists()


def test_the_expiry_message_speaks_french_to_a_french_client(editor_user):
    key = _ask_for_token("editor").json()["token"]
    _age(key, 31)
    response = _with_token(key).get("/api/claims/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 401 and "a expiré" in response.json()["detail"]


@override_settings(FACTCHECK_API_TOKEN_DAYS=1)
def test_the_lifetime_follows_the_setting(editor_user):
    key = _ask_for_token("editor").json()["token"]
    _age(key, 1.01)
    assert _with_token(key).get("/api/claims/").status_code == 401


def test_asking_for_a_token_after_it_expired_issues_a_new_one(editor_user):
    old = _ask_for_token("editor").json()["token"]
    _age(old, 31)
    new = _ask_for_token("editor").json()["token"]
    assert new != old
    assert _with_token(new).get("/api/claims/").status_code == 200
    assert _with_token(old).get("/api/claims/").status_code == 401


def test_an_expired_token_sent_along_does_not_stop_asking_for_a_new_one(editor_user):
    old = _ask_for_token("editor").json()["token"]
    _age(old, 31)
    response = _ask_for_token("editor", client=_with_token(old))
    assert response.status_code == 200 and response.json()["token"] != old


def test_a_wrong_password_gets_no_token(editor_user):
    assert _ask_for_token("editor", "wrong").status_code == 400
    assert not Token.objects.exists()


def test_deleting_the_token_revokes_it(editor_user):
    key = _ask_for_token("editor").json()["token"]
    client = _with_token(key)
    assert client.delete("/api/auth/token/").status_code == 204
    assert client.get("/api/claims/").status_code == 401
    assert not Token.objects.exists()


def test_deleting_a_token_needs_one(editor_user):
    assert APIClient().delete("/api/auth/token/").status_code == 401
