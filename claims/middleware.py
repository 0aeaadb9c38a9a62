import time

from django.conf import settings
from django.contrib.auth import logout

from claims.services import accounts

LOGIN_TIME_KEY = "_login_time"
EPOCH_KEY = "_session_epoch"  # set at login (claims.signals.remember_session_epoch)
TOUCH_TIME_KEY = "_touch_time"
# How often an active session's idle limit is renewed. Saving the session on every request
# (SESSION_SAVE_EVERY_REQUEST) cost each page a transaction and a commit; renewing it once a
# minute ends an idle session 2 hours after its last minute of activity instead of its last request.
TOUCH_EVERY_SECONDS = 60


class SessionLimitsMiddleware:
    """Sessions end: older than FACTCHECK_SESSION_ABSOLUTE_SECONDS however active, or begun
    before the user signed out everywhere. The idle limit (SESSION_COOKIE_AGE) is renewed
    here, at most every TOUCH_EVERY_SECONDS: the session is saved, with its cookie, when touched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if self._ended(request):
                logout(request)
            else:
                self._touch(request.session)
        return self.get_response(request)

    @staticmethod
    def _touch(session) -> None:
        now = time.time()
        if now - session.get(TOUCH_TIME_KEY, 0) >= TOUCH_EVERY_SECONDS:
            session[TOUCH_TIME_KEY] = now  # modified: SessionMiddleware saves it and renews the cookie

    @staticmethod
    def _ended(request) -> bool:
        started = request.session.setdefault(LOGIN_TIME_KEY, time.time())
        if time.time() - started > settings.FACTCHECK_SESSION_ABSOLUTE_SECONDS:
            return True
        # Sessions from before this check have no epoch: 0, as for a user who never signed out everywhere.
        return request.session.get(EPOCH_KEY, 0) != accounts.session_epoch(request.user)
