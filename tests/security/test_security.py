import os
import secrets
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from claims.middleware import LOGIN_TIME_KEY, TOUCH_EVERY_SECONDS, TOUCH_TIME_KEY
from claims.models import Article, ClaimStatus
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failed_logins_lock_the_account_for_that_address_even_with_the_right_password(client, editor_user):
    for _ in range(4):
        assert _login(client, "editor", "wrong").status_code == 200
    assert _login(client, "editor", "wrong").status_code == 429  # the fifth failure locks
    response = _login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    other = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert _login(other, "editor", PASSWORD).status_code == 302  # another address is not locked out


def test_a_session_older_than_the_absolute_limit_ends(client, editor_user):
    client.force_login(editor_user)
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - 13 * 3600
    session.save()
    response = client.get(reverse("claims:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_session_cookie_expires_after_idle_time_and_is_httponly(client, editor_user):
    response = _login(client, "editor", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 2 * 3600 and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_an_active_session_s_idle_limit_is_renewed_once_a_minute_not_on_every_request(client, editor_user):
    from django.contrib.sessions.models import Session

    _login(client, "editor", PASSWORD)  # saves the session, touched
    key = client.cookies["sessionid"].value
    expiry = Session.objects.get(pk=key).expire_date
    again = client.get(reverse("claims:dashboard"))
    assert "sessionid" not in again.cookies  # not saved again within the minute
    assert Session.objects.get(pk=key).expire_date == expiry
    session = client.session
    session[TOUCH_TIME_KEY] = time.time() - TOUCH_EVERY_SECONDS
    session.save()
    before = Session.objects.get(pk=key).expire_date
    later = client.get(reverse("claims:dashboard"))
    assert later.cookies["sessionid"]["max-age"] == 2 * 3600  # a minute on: saved, the cookie renewed
    assert Session.objects.get(pk=key).expire_date > before


def test_pages_carry_a_content_security_policy_without_unsafe_inline(client, editor_user):
    client.force_login(editor_user)
    policy = client.get(reverse("claims:dashboard"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_an_upload_of_a_refused_type_is_refused_before_it_is_read(client, editor_user):
    client.force_login(editor_user)
    upload = SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 5000)
    response = client.post(reverse("claims:article-create"), {"file": upload})
    assert response.status_code == 400 and ".exe" in response.content.decode()
    assert not Article.objects.exists()


@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=1000)
def test_an_upload_that_grows_past_the_limit_is_dropped_as_it_arrives(client, editor_user):
    client.force_login(editor_user)
    upload = SimpleUploadedFile("long.txt", b"Une phrase. " * 1000)
    response = client.post(reverse("claims:article-create"), {"file": upload})
    assert response.status_code == 400 and "1,000" in response.content.decode()
    assert not Article.objects.exists()


@override_settings(FACTCHECK_MAX_REQUEST_BYTES=10_000)
def test_a_request_declaring_more_than_the_cap_is_refused_with_413(client, editor_user):
    client.force_login(editor_user)
    response = client.post(reverse("claims:article-create"), {"body": "x" * 20_000})
    assert response.status_code == 413
    assert not Article.objects.exists()


HOSTILE = 'Le ministre <script>alert("x")</script> a dit <img src=x onerror=alert(1)> que 3 % des <b>gens</b>.'


def test_hostile_article_text_is_inert_in_every_page(client, editor_user, checker_user):
    article = ArticleFactory(body=HOSTILE, title="<script>alert(2)</script>", url="https://example.org/a")
    claim = ClaimFactory(article=article, start=0, end=len(HOSTILE), text=HOSTILE, status=ClaimStatus.TO_CHECK)
    client.force_login(editor_user)
    pages = [
        article.get_absolute_url(),
        claim.get_absolute_url(),
        reverse("claims:article-list"),
        reverse("claims:search") + "?q=ministre",
        reverse("claims:article-report", args=[article.pk]),
        reverse("claims:triage"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>gens</b>" not in html, url
    assert "&lt;script&gt;" in client.get(claim.get_absolute_url()).content.decode()


def test_evidence_and_article_links_must_be_http(client, editor_user, checker_user):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    client.force_login(checker_user)
    response = client.post(
        reverse("claims:claim-evidence", args=[claim.pk]),
        {"title": "x", "url": "javascript:alert(1)", "stance": "context"},
    )
    assert response.status_code == 400 and not claim.evidence.exists()
    client.force_login(editor_user)
    response = client.post(reverse("claims:article-create"), {"body": "Un texte.", "url": "javascript:alert(1)"})
    assert response.status_code == 400 and not Article.objects.filter(body="Un texte.").exists()


def test_forms_and_serializers_take_only_their_named_fields(client, editor_user):
    client.force_login(editor_user)
    client.post(
        reverse("claims:article-create"),
        {"body": "Le déficit atteint 5 %.", "extraction_status": "extracted", "content_hash": "x", "id": 999},
    )
    article = Article.objects.get()
    assert article.pk != 999 and article.content_hash != "x"
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(editor_user)
    claim = ClaimFactory(status=ClaimStatus.DETECTED)
    api.post(f"/api/claims/{claim.pk}/triage/", {"action": "keep", "status": "approved", "score": 0.1}, format="json")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.TO_CHECK and claim.score == 0.8


def test_the_deploy_check_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "factcheck.example.org",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_refuses_to_serve_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings.base", "DEBUG": "false", "SECRET_KEY": ""}
    done = subprocess.run(
        [sys.executable, "-c", "import factcheck.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr.splitlines()[-1]
