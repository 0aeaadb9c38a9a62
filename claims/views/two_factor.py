"""Two-factor login: the second step of a login, enrolment, recovery codes and removal."""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from claims import forms, workflow
from claims.services import two_factor as tf


class TwoStepLoginView(LoginView):
    """The password first; someone enrolled then owes a code before being logged in at all."""

    def form_valid(self, form):
        user = form.get_user()
        device = tf.totp_device(user)
        if device is None:
            return super().form_valid(form)  # the middleware sends to enrolment if it is required
        remembered = tf.remembered_device(user=user, cookie=self.request.COOKIES.get(tf.REMEMBER_COOKIE))
        if remembered is not None:
            _finish(self.request, user, remembered, backend=user.backend)
            return redirect(self.get_success_url())
        self.request.session[tf.PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login-verify")


login_view = TwoStepLoginView.as_view()


def _finish(request, user, device, *, backend: str | None) -> None:
    request._two_factor_passed = True  # read by the user_logged_in receiver: this session owes nothing
    if not request.user.is_authenticated:
        auth_login(request, user, backend=backend)
    otp_login(request, device)
    request.session[tf.STATE_KEY] = tf.OK
    request.session.pop(tf.PENDING_KEY, None)


def _who_owes_a_code(request):
    """(user, backend, next) of the login waiting for its code, or None."""
    if request.user.is_authenticated:
        if request.session.get(tf.STATE_KEY) == tf.VERIFY:
            return request.user, None, request.GET.get("next", "")
        return None
    pending = request.session.get(tf.PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.FACTCHECK_2FA_PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending["backend"], pending["next"]) if user else None


def _locked_out(request, credentials):
    request.session.pop(tf.PENDING_KEY, None)
    if request.user.is_authenticated:
        logout(request)
    request.axes_locked_out = True  # AxesMiddleware answers with its lockout page
    return render(request, "registration/locked_out.html", status=429)


@never_cache
def login_verify(request):
    owed = _who_owes_a_code(request)
    if owed is None:
        messages.info(request, _("Log in again: the code was not given in time."))
        return redirect("login")
    user, backend, next_url = owed
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    days = settings.FACTCHECK_2FA_REMEMBER_DAYS
    form = forms.TwoFactorCodeForm(request.POST or None, remember_days=days)
    if form.is_bound and form.is_valid():
        device = tf.code_verify(user=user, code=form.cleaned_data["code"])
        if device is None:
            # Counted by django-axes like a wrong password: enough of them lock the account out.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
                return _locked_out(request, credentials)
            form.add_error("code", _("This code is wrong or has expired. Type the one your app shows now."))
        else:
            _finish(request, user, device, backend=backend)
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = ""
            response = redirect(next_url or settings.LOGIN_REDIRECT_URL)
            if form.cleaned_data.get("remember") and device == tf.totp_device(user):
                response.set_cookie(
                    tf.REMEMBER_COOKIE,
                    tf.remember_cookie_value(user=user, device=device),
                    max_age=days * 86400,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
    return render(request, "registration/login_verify.html", {"form": form})


def _may_enrol(request) -> None:
    if not workflow.can_use_two_factor(request.user):
        raise PermissionDenied(_("Two-factor login is for editors and administrators."))


@login_required
@never_cache
def two_factor_manage(request):
    _may_enrol(request)
    context = {
        "enrolled": tf.is_enrolled(request.user),
        "codes_left": tf.recovery_codes_left(request.user),
        "required": workflow.must_use_two_factor(request.user),
        "form": forms.PasswordConfirmForm(user=request.user),
    }
    return render(request, "registration/two_factor_manage.html", context)


@login_required
@never_cache
def two_factor_enrol(request):
    _may_enrol(request)
    if tf.is_enrolled(request.user):
        return redirect("claims:two-factor")
    device = tf.enrolment_start(user=request.user)
    form = forms.EnrolmentForm(request.POST or None)
    if form.is_bound and form.is_valid():
        codes = tf.enrolment_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", _("This code does not match. Check the app's clock and type the current code."))
        else:
            otp_login(request, device)
            request.session[tf.STATE_KEY] = tf.OK
            request.session[tf.CODES_KEY] = codes
            messages.success(request, _("Two-factor login is on. Keep your recovery codes somewhere safe."))
            return redirect("claims:two-factor-codes")
    context = {
        "form": form,
        "qr": tf.qr_svg(device),
        "secret": tf.secret_text(device),
        "required": request.session.get(tf.STATE_KEY) == tf.ENROL,
    }
    return render(request, "registration/two_factor_enrol.html", context)


@login_required
@never_cache
def two_factor_codes(request):
    """GET shows new codes once; POST (with the password) makes new ones."""
    _may_enrol(request)
    if request.method == "POST":
        form = forms.PasswordConfirmForm(request.POST, user=request.user)
        if not tf.is_enrolled(request.user):
            return redirect("claims:two-factor")
        if not form.is_valid():
            messages.error(request, form.errors["password"][0])
            return redirect("claims:two-factor")
        request.session[tf.CODES_KEY] = tf.recovery_codes_regenerate(user=request.user)
        return redirect("claims:two-factor-codes")
    codes = request.session.pop(tf.CODES_KEY, None)
    if not codes:
        return redirect("claims:two-factor")
    return render(request, "registration/two_factor_codes.html", {"codes": codes})


@login_required
@require_POST
def two_factor_remove(request):
    _may_enrol(request)
    form = forms.PasswordConfirmForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form.errors["password"][0])
        return redirect("claims:two-factor")
    tf.two_factor_remove(user=request.user)
    request.session[tf.STATE_KEY] = tf.ENROL if workflow.must_use_two_factor(request.user) else tf.OK
    messages.success(request, _("Two-factor login is off for your account; remembered devices are forgotten."))
    response = redirect("claims:two-factor")
    response.delete_cookie(tf.REMEMBER_COOKIE)
    return response
