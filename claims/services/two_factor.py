"""Two-factor login (TOTP with recovery codes, on django-otp): enrolment, codes, the remembered device.

The second step's state lives in the session (STATE_KEY): OK, VERIFY (a code is owed) or
ENROL (required but not enrolled). It is set when someone logs in, so a request pays nothing
to know it; TwoFactorMiddleware lets a session that is not OK reach only the second step.
"""

import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import workflow

STATE_KEY = "_two_factor"
OK, VERIFY, ENROL = "ok", "verify", "enrol"
PENDING_KEY = "_two_factor_pending"  # a password accepted, its code not yet given
CODES_KEY = "_two_factor_codes"  # new recovery codes, shown once
REMEMBER_COOKIE = "factcheck_2fa_device"
_REMEMBER_SALT = "claims.two_factor.remember"
RECOVERY_CODES = 10


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state_at_login(user, *, passed: bool) -> str:
    """What a fresh session owes: nothing if the code was given (or none is needed), else a code or an enrolment."""
    if passed:
        return OK
    if is_enrolled(user):
        return VERIFY
    return ENROL if workflow.must_use_two_factor(user) else OK


def enrolment_start(*, user) -> TOTPDevice:
    """The device being enrolled: the same secret on every reload until it is confirmed."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (nothing loaded from elsewhere)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, svgclass="qr-code", lineclass=None)


def enrolment_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns the new recovery codes, or None if the code is wrong."""
    if device.user_id != user.pk or not device.verify_token(code.strip()):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        return recovery_codes_regenerate(user=user)


def recovery_codes_regenerate(*, user) -> list[str]:
    """Ten new single-use codes; the old ones stop working."""
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_remove(*, user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def code_verify(*, user, code: str):
    """The device that accepts `code` (the app's code, or a recovery code, used up), or None."""
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    return None


# --- "Remember this device" --------------------------------------------------------------


def _fingerprint(user, device: TOTPDevice) -> str:
    # Bound to the password (a change invalidates it) and to this enrolment's device and secret.
    return salted_hmac(_REMEMBER_SALT, f"{user.pk}|{user.password}|{device.persistent_id}|{device.key}").hexdigest()


def remember_cookie_value(*, user, device: TOTPDevice) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user, device)}, salt=_REMEMBER_SALT)


def remembered_device(*, user, cookie: str | None) -> TOTPDevice | None:
    """The device a valid "remember" cookie vouches for, or None (expired, another user, password or device changed)."""
    days = settings.FACTCHECK_2FA_REMEMBER_DAYS
    if not cookie or days <= 0:
        return None
    try:
        data = signing.loads(cookie, salt=_REMEMBER_SALT, max_age=days * 86400)
    except signing.BadSignature:
        return None
    device = totp_device(user)
    if device is None or data.get("u") != user.pk:
        return None
    return device if constant_time_compare(data.get("f", ""), _fingerprint(user, device)) else None
