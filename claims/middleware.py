import time

from django.conf import settings
from django.contrib.auth import logout

from claims.services import accounts

LOGIN_TIME_KEY = "_login_time"
EPOCH_KEY = "_session_epoch"  # set at login (claims.signals.remember_session_epoch)


class SessionLimitsMiddleware:
    """Sessions end: older than FACTCHECK_SESSION_ABSOLUTE_SECONDS however active, or begun
    before the user signed out everywhere. (The idle limit is SESSION_COOKIE_AGE, renewed on
    every request.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and self._ended(request):
            logout(request)
        return self.get_response(request)

    @staticmethod
    def _ended(request) -> bool:
        started = request.session.setdefault(LOGIN_TIME_KEY, time.time())
        if time.time() - started > settings.FACTCHECK_SESSION_ABSOLUTE_SECONDS:
            return True
        # Sessions from before this check have no epoch: 0, as for a user who never signed out everywhere.
        return request.session.get(EPOCH_KEY, 0) != accounts.session_epoch(request.user)
