from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Fact-checking desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from claims.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
