"""Accounts: API tokens that expire and are revoked, and signing out everywhere."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token

from claims.backends import SESSION_EPOCH_ATTRIBUTE
from claims.models import SessionEpoch


def api_token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.FACTCHECK_API_TOKEN_DAYS)


def api_token_expired(token: Token) -> bool:
    return timezone.now() >= api_token_expires_at(token)


def api_token_issue(*, user) -> Token:
    """The user's token while it lasts; once it has expired, a new one."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not api_token_expired(token):
        return token
    if token is not None:
        # By key: a token another request has just issued is not ours to delete.
        Token.objects.filter(key=token.key).delete()
    return Token.objects.get_or_create(user=user)[0]


def api_tokens_revoke(*, user) -> int:
    """Delete the user's API tokens; a script using one gets 401 and must ask again."""
    return Token.objects.filter(user=user).delete()[0]


def session_epoch(user) -> int:
    """The count of the user's "sign out everywhere"; a session begun under another has ended.

    A request's user carries the count read with it (claims.backends.DeskBackend); others are asked.
    """
    if hasattr(user, SESSION_EPOCH_ATTRIBUTE):
        return getattr(user, SESSION_EPOCH_ATTRIBUTE) or 0
    return SessionEpoch.objects.filter(user=user).values_list("epoch", flat=True).first() or 0


def user_sign_out_everywhere(*, user) -> None:
    """End every session of the user, on every device, and revoke their API tokens."""
    with transaction.atomic():
        SessionEpoch.objects.get_or_create(user=user)
        SessionEpoch.objects.filter(user=user).update(epoch=F("epoch") + 1, updated_at=timezone.now())
        api_tokens_revoke(user=user)
