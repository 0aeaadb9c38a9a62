from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from claims.views import two_factor
from claims.views.account import language_set
from factcheck.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin logs in through the desk's login, and so through its second step.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/", include("claims.api.urls")),
    path("accounts/login/", two_factor.login_view, name="login"),
    path("accounts/login/code/", two_factor.login_verify, name="login-verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Django's set_language, which also remembers the choice for the person's emails.
    path("i18n/setlang/", language_set, name="set_language"),
    path("", include("claims.urls")),
]
