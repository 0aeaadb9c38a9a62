"""The user's own account: signing out everywhere, the language switch (password changes are Django's own pages)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from claims.services import accounts, notifications


@require_POST
@login_required
def sign_out_everywhere(request):
    accounts.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(
        request,
        _(
            "You are signed out everywhere: every session of yours has ended, on every device, and your "
            "API token is revoked. Log in again to go on."
        ),
    )
    return redirect(settings.LOGIN_URL)


@require_POST
def language_set(request):
    """Django's language switch, remembered for a signed-in person: the desk's emails to them use it too."""
    response = i18n.set_language(request)
    if request.user.is_authenticated:
        notifications.preferences_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
