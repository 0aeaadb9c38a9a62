from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel


class SessionEpoch(TimeStampedModel):
    """How many times a user signed out everywhere: a session begun under an earlier count has ended.

    Neither database nor cache sessions can be looked up by user, so they are not deleted one by
    one: SessionLimitsMiddleware compares the count a session began under with this one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    epoch = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("session epoch")
        verbose_name_plural = _("session epochs")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.epoch}"
