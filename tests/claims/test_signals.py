"""A new password, by whatever path, ends the user's API token; other saves keep it."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

PASSWORD = "pw-for-tests-only"
NEW_PASSWORD = "a-new-Password-2026"
pytestmark = pytest.mark.django_db


def _token(username: str, password: str = PASSWORD) -> str:
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _revoked(key: str) -> bool:
    return not Token.objects.filter(key=key).exists()


def test_the_password_change_page_revokes_the_token_and_the_new_password_gets_another(client, editor_user):
    old = _token("editor")
    client.force_login(editor_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _revoked(old)
    assert _token("editor", NEW_PASSWORD) != old


def test_the_admin_setting_a_password_revokes_the_token(client, superuser, editor_user):
    old = _token("editor")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[editor_user.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _revoked(old)


def test_the_changepassword_command_revokes_the_token(editor_user, monkeypatch):
    old = _token("editor")
    monkeypatch.setattr("getpass.getpass", lambda *args, **kwargs: NEW_PASSWORD)
    call_command("changepassword", "editor", stdout=None)
    assert _revoked(old)


def test_set_password_and_save_revokes_the_token(editor_user):
    old = _token("editor")
    editor_user.set_password(NEW_PASSWORD)
    editor_user.save()
    assert _revoked(old)


def test_making_the_password_unusable_revokes_the_token(editor_user):
    old = _token("editor")
    editor_user.set_unusable_password()
    editor_user.save(update_fields=["password"])
    assert _revoked(old)


def test_a_hash_assigned_directly_revokes_the_token(editor_user):
    old = _token("editor")
    editor_user.password = make_password(NEW_PASSWORD)
    editor_user.save()
    assert _revoked(old)


def test_logging_in_and_other_changes_keep_the_token(client, editor_user):
    old = _token("editor")
    assert client.post(reverse("login"), {"username": "editor", "password": PASSWORD}).status_code == 302
    editor_user.refresh_from_db()
    editor_user.email = "new@example.org"
    editor_user.save()
    assert _token("editor") == old


def test_a_stronger_hash_written_at_login_is_not_a_new_password(editor_user):
    old = _token("editor")  # the user's hash is MD5, the tests' hasher
    stronger = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=stronger):
        assert _token("editor") == old  # checking the password re-hashed it with PBKDF2
    editor_user.refresh_from_db()
    assert editor_user.password.startswith("pbkdf2_sha256$")
