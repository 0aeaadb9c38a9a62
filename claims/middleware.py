import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from claims.services import accounts, two_factor

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


class TwoFactorMiddleware:
    """A session that owes its second step (a code, or an enrolment the setting requires) reaches
    only that step, logging out and the language switch. The state is read from the session,
    where the login wrote it (claims.signals): no query per request."""

    ALLOWED = ("login", "login-verify", "logout", "set_language", "claims:two-factor-enrol")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths = None

    def __call__(self, request):
        if request.user.is_authenticated:
            state = request.session.get(two_factor.STATE_KEY)
            if state is None:  # a session from before two-factor login existed
                state = request.session[two_factor.STATE_KEY] = two_factor.state_at_login(request.user, passed=False)
            if state != two_factor.OK and request.path_info not in self.allowed_paths():
                return self._refuse(request, state)
        return self.get_response(request)

    def allowed_paths(self) -> set[str]:
        if self._allowed_paths is None:
            self._allowed_paths = {reverse(name) for name in self.ALLOWED}
        return self._allowed_paths

    @staticmethod
    def _refuse(request, state: str):
        if request.path_info.startswith("/api/"):
            message = _("Finish logging in with your second factor first.")
            return JsonResponse({"detail": str(message)}, status=403)
        target = "login-verify" if state == two_factor.VERIFY else "claims:two-factor-enrol"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
