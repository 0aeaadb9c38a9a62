"""Receivers that keep the desk's promises whatever path a change takes (page, admin, command, shell)."""

import time

from django.contrib.auth.hashers import is_password_usable

from claims.services import accounts


def remember_session_epoch(sender, request, user, **kwargs) -> None:
    """user_logged_in: the session begins now, under the user's current epoch, and touched: login
    saves it with a fresh idle limit, so the first page need not (see SessionLimitsMiddleware)."""
    from claims.middleware import EPOCH_KEY, LOGIN_TIME_KEY, TOUCH_TIME_KEY

    if hasattr(request, "session"):
        request.session[EPOCH_KEY] = accounts.session_epoch(user)
        request.session[LOGIN_TIME_KEY] = request.session[TOUCH_TIME_KEY] = time.time()


def revoke_api_tokens_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save on the user model: a new password ends the user's API tokens, by any path."""
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    if _is_rehash(instance, update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        accounts.api_tokens_revoke(user=instance)


def _is_rehash(user, update_fields) -> bool:
    """Django re-hashing the same password at login (a stronger hasher, more iterations).

    Its setter saves only the password and clears the raw one that set_password() keeps, which
    no password change does; an unusable password is never a re-hash.
    """
    return (
        update_fields is not None
        and set(update_fields) == {"password"}
        and user._password is None
        and is_password_usable(user.password)
    )


def two_factor_state_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: what the new session owes (see claims.services.two_factor), read by TwoFactorMiddleware."""
    from claims.services import two_factor

    if request is not None and hasattr(request, "session"):
        passed = getattr(request, "_two_factor_passed", False)
        request.session[two_factor.STATE_KEY] = two_factor.state_at_login(user, passed=passed)


def forget_tag_choices(sender, **kwargs) -> None:
    """post_save and post_delete of a Tag: the lists' tag filter reads the tags afresh once this commits."""
    from django.core.cache import cache
    from django.db import transaction

    from claims.services.tags import TAGS_CACHE_KEY

    # A new generation now, for this transaction's own reads, and another at commit: a list read meanwhile
    # from before the commit is stored under a generation nobody reads any more (selectors.tag_choices).
    cache.set(TAGS_CACHE_KEY, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(TAGS_CACHE_KEY, time.time_ns(), None))
