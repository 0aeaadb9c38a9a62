from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel
from claims.models.notifications import EMAIL_PREFERENCE


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


class UserPreferences(TimeStampedModel):
    """A person's own settings: the language the desk writes to them in, and which emails they get.

    No row means the defaults: the desk's language, every email. In-app notifications are
    always kept, whatever is chosen here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Set by the language switch; empty: the desk's LANGUAGE_CODE.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    email_assigned = models.BooleanField(_("a claim is assigned to me"), default=True)
    email_review = models.BooleanField(_("a verdict waits for my review"), default=True)
    email_sent_back = models.BooleanField(_("my verdict is sent back"), default=True)
    email_approved = models.BooleanField(_("my verdict is approved"), default=True)
    email_mentioned = models.BooleanField(_("someone mentions me (@username) in a comment"), default=True)
    email_digest = models.BooleanField(_("claims due tomorrow and overdue (one email a day)"), default=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_language}"

    @property
    def email_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    def wants_email(self, kind: str) -> bool:
        return getattr(self, EMAIL_PREFERENCE[kind])
