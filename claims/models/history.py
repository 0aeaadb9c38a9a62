from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.base import ChoiceLabels


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    EDITED = "edited", _("Edited")
    ASSIGNED = "assigned", _("Assigned")
    EVIDENCE = "evidence", _("Evidence added")
    VERDICT = "verdict", _("Verdict")
    BLIND_RATING = "blind", _("Blind rating")
    REVIEW = "review", _("Review")
    COMMENT = "comment", _("Comment")
    LINKED = "linked", _("Linked to an earlier check")
    UNLINKED = "unlinked", _("Link removed")
    TAGS = "tags", _("Tags changed")


class AppendOnlyError(Exception):
    pass


class ClaimEvent(ChoiceLabels, models.Model):
    """One entry of a claim's timeline: who did what, when, and what changed. Append-only."""

    # A claim with history is never deleted: the audit trail outlives any clean-up.
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=10, choices=EventKind)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    # {"field": [old, new]} for edits, or the created row's fields.
    changes = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name = _("history event")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("History events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("History events cannot be deleted.")
