"""Token authentication with a lifetime (FACTCHECK_API_TOKEN_DAYS)."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from claims.services import accounts


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, except that an expired token is refused (401) and deleted."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if accounts.api_token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _(
                    "Your API token has expired (tokens last %(days)s days). Ask for a new one: "
                    "POST your username and password to /api/auth/token/."
                )
                % {"days": settings.FACTCHECK_API_TOKEN_DAYS}
            )
        return user, token
