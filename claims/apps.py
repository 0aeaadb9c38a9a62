from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Fact-checking desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from claims import signals
        from claims.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
        pre_save.connect(signals.revoke_api_tokens_on_password_change, sender=settings.AUTH_USER_MODEL)
        user_logged_in.connect(signals.remember_session_epoch)
        user_logged_in.connect(signals.two_factor_state_at_login)
        for signal in (post_save, post_delete):  # whoever changes a tag (a page, the admin, a shell)
            signal.connect(signals.forget_tag_choices, sender="claims.Tag")
