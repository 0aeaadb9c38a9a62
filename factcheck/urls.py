from django.contrib import admin
from django.urls import include, path

from claims.views.account import language_set
from factcheck.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("claims.api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Django's set_language, which also remembers the choice for the person's emails.
    path("i18n/setlang/", language_set, name="set_language"),
    path("", include("claims.urls")),
]
