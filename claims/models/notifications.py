"""What the desk tells a person: one row per event and recipient, read in the app, emailed by a worker."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel
from claims.people import display_name


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to me")
    REVIEW_REQUESTED = "review", _("A verdict waits for my review")
    SENT_BACK = "sent_back", _("My verdict was sent back")
    APPROVED = "approved", _("My verdict was approved")
    MENTIONED = "mentioned", _("Mentioned in a comment")
    DUE_TOMORROW = "due", _("Due tomorrow")
    OVERDUE = "overdue", _("Overdue")


# The daily digest's kinds: one email a day lists them all, per person.
DIGEST_KINDS = (NotificationKind.DUE_TOMORROW, NotificationKind.OVERDUE)


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    OFF = "off", _("Not emailed")  # the person's choice, or no address
    FAILED = "failed", _("Failed")


class Notification(TimeStampedModel):
    """Something that happened to a claim that `recipient` should know about.

    The text is written when shown (`summary`), in the reader's language, from the kind, the
    actor and `message` (a comment or a note), so the app and the email can each speak the
    language their reader chose. A worker sends the email: it claims the row by moving
    `email_status` from pending to sending under its token, so no row is ever emailed twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    claim = models.ForeignKey("claims.Claim", verbose_name=_("claim"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind)
    message = models.TextField(_("message"), blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The day of the digest that listed it: one row per person, claim, kind and day.
    digest_date = models.DateField(null=True, blank=True)
    email_status = models.CharField(_("email"), max_length=8, choices=EmailStatus, default=EmailStatus.PENDING)
    email_token = models.CharField(max_length=32, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # A digest redelivered the same day adds nothing.
            models.UniqueConstraint(
                fields=["recipient", "claim", "kind", "digest_date"],
                condition=models.Q(digest_date__isnull=False),
                name="notification_once_per_digest",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_status", "created_at"], name="notification_email_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind} on {self.claim_id}"

    def get_absolute_url(self) -> str:
        return reverse("claims:claim-detail", args=[self.claim_id])

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def summary(self) -> str:
        """One line, in the active language: who did what (the actor by their name, never a username)."""
        who = {"actor": display_name(self.actor) or gettext("Someone")}
        if self.kind == NotificationKind.ASSIGNED:
            return gettext("%(actor)s assigned a claim to you") % who
        if self.kind == NotificationKind.REVIEW_REQUESTED:
            return gettext("%(actor)s submitted a verdict for your review") % who
        if self.kind == NotificationKind.SENT_BACK:
            return gettext("%(actor)s sent your verdict back") % who
        if self.kind == NotificationKind.APPROVED:
            return gettext("%(actor)s approved your verdict") % who
        if self.kind == NotificationKind.MENTIONED:
            return gettext("%(actor)s mentioned you in a comment") % who
        return str(self.get_kind_display())  # the digest's kinds say it all

    @property
    def message_label(self) -> str:
        """What `message` is: the reviewer's comment, the comment with the mention, the assignment's note."""
        if self.kind == NotificationKind.SENT_BACK:
            return gettext("The reviewer's comment:")
        if self.kind == NotificationKind.MENTIONED:
            return gettext("The comment:")
        return gettext("Note:")


# Which of a person's preferences (UserPreferences fields) lets each kind reach them by email.
EMAIL_PREFERENCE = {
    NotificationKind.ASSIGNED: "email_assigned",
    NotificationKind.REVIEW_REQUESTED: "email_review",
    NotificationKind.SENT_BACK: "email_sent_back",
    NotificationKind.APPROVED: "email_approved",
    NotificationKind.MENTIONED: "email_mentioned",
    NotificationKind.DUE_TOMORROW: "email_digest",
    NotificationKind.OVERDUE: "email_digest",
}
