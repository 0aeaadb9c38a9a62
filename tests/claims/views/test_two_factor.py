"""Two-factor login: enrolment with a real TOTP code, the second step, recovery codes, the
required setting, the remembered device, django-axes on the second step, API tokens unchanged."""

import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.services import two_factor as tf
from tests.factories import editor

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # django-otp's own throttle would refuse a right code just after a wrong one; axes is tested below.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device, drift=0) -> str:
    return f"{totp(device.bin_key, drift=drift):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = tf.enrolment_start(user=user)
    codes = tf.enrolment_confirm(user=user, device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def password_step(client, username="editor", **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra})


def logged_in(client) -> bool:
    return client.get(reverse("claims:dashboard")).status_code == 200


def test_an_editor_enrols_with_the_secret_shown_and_a_real_code_then_sees_recovery_codes_once(client, editor_user):
    client.force_login(editor_user)
    page = client.get(reverse("claims:two-factor-enrol")).content.decode()
    assert "<svg" in page and "qr-code" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    wrong = client.post(reverse("claims:two-factor-enrol"), {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This code does not match" in wrong.content.decode() and not tf.is_enrolled(editor_user)
    response = client.post(reverse("claims:two-factor-enrol"), {"code": f"{totp(key):06d}"})
    assert response["Location"] == reverse("claims:two-factor-codes")
    assert tf.is_enrolled(editor_user)
    codes = re.findall(
        r"<li><code>([0-9a-f]{4}-[0-9a-f]{4})</code></li>", client.get(response["Location"]).content.decode()
    )
    assert len(codes) == 10
    assert client.get(reverse("claims:two-factor-codes")).status_code == 302  # shown once
    assert logged_in(client)


def test_a_checker_may_not_enrol(client, checker_user):
    client.force_login(checker_user)
    assert client.get(reverse("claims:two-factor-enrol")).status_code == 403
    assert client.get(reverse("claims:two-factor")).status_code == 403


def test_an_enrolled_editor_logs_in_only_with_the_code_and_a_wrong_code_is_refused(client, editor_user):
    device, _codes = enrol(editor_user)
    response = password_step(client)
    assert response["Location"] == reverse("login-verify")
    assert "_auth_user_id" not in client.session  # not logged in before the code
    assert not logged_in(client)
    wrong = client.post(reverse("login-verify"), {"code": "123456"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200 and "This code is wrong" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    right = client.post(reverse("login-verify"), {"code": code_for(device, drift=1)})  # the enrolment used this step
    assert right.status_code == 302 and logged_in(client)


def test_a_recovery_code_works_once(client, editor_user):
    _device, codes = enrol(editor_user)
    password_step(client)
    assert client.post(reverse("login-verify"), {"code": codes[0].upper()}).status_code == 302
    assert logged_in(client)
    client.post(reverse("logout"))
    password_step(client)
    assert client.post(reverse("login-verify"), {"code": codes[0]}).status_code == 200
    assert tf.recovery_codes_left(editor_user) == 9


def test_the_code_step_expires(client, editor_user, settings):
    enrol(editor_user)
    password_step(client)
    session = client.session
    session[tf.PENDING_KEY] = {**session[tf.PENDING_KEY], "at": time.time() - 3600}
    session.save()
    response = client.post(reverse("login-verify"), {"code": "123456"})
    assert response["Location"] == reverse("login")


def test_when_required_an_unenrolled_editor_is_sent_to_enrolment_before_anything_else(client, editor_user, settings):
    settings.FACTCHECK_REQUIRE_2FA = True
    assert password_step(client).status_code == 302
    for url in (reverse("claims:dashboard"), reverse("claims:claim-list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("claims:two-factor-enrol"))
    api = client.get("/api/claims/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    page = client.get(reverse("claims:two-factor-enrol"))
    assert page.status_code == 200
    device = tf.totp_device(editor_user, confirmed=False)
    client.post(reverse("claims:two-factor-enrol"), {"code": code_for(device)})
    assert logged_in(client)


def test_the_requirement_does_not_touch_checkers(client, checker_user, settings):
    settings.FACTCHECK_REQUIRE_2FA = True
    password_step(client, "checker")
    assert logged_in(client)


def test_a_session_opened_another_way_still_owes_the_code(client, editor_user):
    device, _codes = enrol(editor_user)
    client.force_login(editor_user)
    response = client.get(reverse("claims:dashboard"))
    assert response["Location"].startswith(reverse("login-verify"))
    client.post(reverse("login-verify"), {"code": code_for(device, drift=1)})
    assert logged_in(client)


def test_the_admin_login_goes_through_the_second_step(client, superuser):
    device, _codes = enrol(superuser)
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == reverse("login") + "?next=/admin/"
    response = client.post(reverse("login"), {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response["Location"] == reverse("login-verify")
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("login-verify"), {"code": code_for(device, drift=1)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_remember_this_device_skips_the_code_until_the_password_changes(client, editor_user, settings):
    settings.FACTCHECK_2FA_REMEMBER_DAYS = 30
    device, _codes = enrol(editor_user)
    password_step(client)
    response = client.post(reverse("login-verify"), {"code": code_for(device, drift=1), "remember": "on"})
    cookie = response.cookies[tf.REMEMBER_COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) == 30 * 86400
    client.post(reverse("logout"))
    assert password_step(client)["Location"] == reverse("claims:dashboard")  # no code asked
    assert logged_in(client)
    # Another person on the same browser gets no pass from it.
    other = editor("editor2")
    enrol(other)
    client.post(reverse("logout"))
    assert password_step(client, "editor2")["Location"] == reverse("login-verify")
    # A new password voids it.
    editor_user.set_password("another-pw-for-tests")
    editor_user.save()
    fresh = Client()
    fresh.cookies[tf.REMEMBER_COOKIE] = cookie.value
    assert fresh.post(reverse("login"), {"username": "editor", "password": "another-pw-for-tests"})[
        "Location"
    ] == reverse("login-verify")


def test_removing_the_device_forgets_remembered_devices(client, editor_user, settings):
    device, _codes = enrol(editor_user)
    value = tf.remember_cookie_value(user=editor_user, device=device)
    assert tf.remembered_device(user=editor_user, cookie=value) == device
    client.cookies[tf.REMEMBER_COOKIE] = value
    client.force_login(editor_user)
    session = client.session
    session[tf.STATE_KEY] = tf.OK
    session.save()
    wrong = client.post(reverse("claims:two-factor-remove"), {"password": "nope"})
    assert wrong.status_code == 302 and tf.is_enrolled(editor_user)
    client.post(reverse("claims:two-factor-remove"), {"password": PASSWORD})
    assert not tf.is_enrolled(editor_user)
    enrol(editor_user)
    assert tf.remembered_device(user=editor_user, cookie=value) is None
    assert tf.remembered_device(user=editor_user, cookie="forged") is None


def test_new_recovery_codes_need_the_password_and_void_the_old_ones(client, editor_user):
    _device, codes = enrol(editor_user)
    client.force_login(editor_user)
    session = client.session
    session[tf.STATE_KEY] = tf.OK
    session.save()
    client.post(reverse("claims:two-factor-codes"), {"password": "nope"})
    assert tf.code_verify(user=editor_user, code=codes[0]) is not None
    response = client.post(reverse("claims:two-factor-codes"), {"password": PASSWORD})
    assert response["Location"] == reverse("claims:two-factor-codes")
    assert tf.code_verify(user=editor_user, code=codes[1]) is None
    assert tf.recovery_codes_left(editor_user) == 10


def test_wrong_codes_count_toward_the_axes_lockout_and_a_locked_out_user_cannot_pass(client, editor_user):
    device, _codes = enrol(editor_user)
    password_step(client)
    for _ in range(4):
        assert client.post(reverse("login-verify"), {"code": "000000"}).status_code == 200
    assert client.post(reverse("login-verify"), {"code": "000000"}).status_code == 429  # the fifth locks
    assert "_auth_user_id" not in client.session
    # The right code, and then the right password, are refused while locked out.
    assert client.post(reverse("login-verify"), {"code": code_for(device, drift=1)}).status_code in (302, 429)
    assert not logged_in(client)
    assert password_step(client).status_code == 429


def test_a_new_password_login_does_not_reset_the_failed_codes(client, editor_user):
    """Otherwise someone with the password could try four codes, log in again, try four more..."""
    enrol(editor_user)
    for _ in range(2):
        password_step(client)
        for _ in range(2):
            client.post(reverse("login-verify"), {"code": "000000"})
    password_step(client)
    assert client.post(reverse("login-verify"), {"code": "000000"}).status_code == 429


def test_api_tokens_work_without_the_second_factor(editor_user, settings):
    from rest_framework.test import APIClient

    settings.FACTCHECK_REQUIRE_2FA = True
    enrol(editor_user)
    api = APIClient()
    token = api.post("/api/auth/token/", {"username": "editor", "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/claims/").status_code == 200


def test_pages_of_the_two_factor_flow_refuse_anonymous_people(client):
    for name in ("claims:two-factor", "claims:two-factor-enrol", "claims:two-factor-codes"):
        assert client.get(reverse(name))["Location"].startswith(reverse("login"))
    assert client.post(reverse("claims:two-factor-remove"))["Location"].startswith(reverse("login"))
    assert client.post(reverse("login-verify"), {"code": "123456"})["Location"] == reverse("login")


def test_a_page_costs_the_same_queries_with_two_factor_login_as_without(editor_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(client) -> int:
        client.get(reverse("claims:dashboard"))  # warm: the first page renews the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("claims:dashboard")).status_code == 200
        return len(captured)

    plain = Client()
    plain.force_login(editor("editor2"))
    device, _codes = enrol(editor_user)
    verified = Client()
    password_step(verified)
    verified.post(reverse("login-verify"), {"code": code_for(device, drift=1)})
    assert queries(verified) == queries(plain)
