import time

from django.conf import settings
from django.contrib.auth import logout

LOGIN_TIME_KEY = "_login_time"


class SessionLimitsMiddleware:
    """The absolute session limit: a session older than FACTCHECK_SESSION_ABSOLUTE_SECONDS
    ends, however active. (The idle limit is SESSION_COOKIE_AGE, renewed on every request.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(LOGIN_TIME_KEY, time.time())
            if time.time() - started > settings.FACTCHECK_SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)
