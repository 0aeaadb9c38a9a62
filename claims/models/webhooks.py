"""Webhooks: endpoints an administrator registers, and one delivery row per event and endpoint.

A delivery row is written in the same transaction as the change it reports (an outbox), so an
event is never lost to a crash between the commit and the enqueue; the worker claims the row
with a conditional update before it POSTs, so two workers never send the same attempt.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel


class WebhookEvent(models.TextChoices):
    ARTICLE_EXTRACTED = "article.extracted", _("Article extracted")
    CLAIM_STATUS_CHANGED = "claim.status_changed", _("Claim status changed")
    VERDICT_APPROVED = "verdict.approved", _("Verdict approved")
    CLAIM_MATCHED = "claim.matched", _("Claim matched")
    TEST = "webhook.test", _("Test event")


# The events an endpoint may subscribe to (the test event goes to whoever asks for it).
SUBSCRIBABLE_EVENTS = [event for event in WebhookEvent if event != WebhookEvent.TEST]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=64, default=new_secret, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    # Failed attempts in a row, across deliveries; a success resets it.
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.TextField(_("why it was disabled"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:webhook-detail", args=[self.pk])

    def wants(self, event: str) -> bool:
        return event in self.events

    def get_events_display(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(event, event)) for event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GIVEN_UP = "given_up", _("Given up")


# Rows the worker may claim (when due): never delivered and not given up.
UNDELIVERED = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class WebhookDelivery(TimeStampedModel):
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent)
    # The idempotency key: one per event, the same for every endpoint and every attempt.
    event_id = models.UUIDField(_("delivery key"))
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    token = models.CharField(max_length=32, blank=True, editable=False)  # the claiming worker's
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # An event is recorded once per endpoint, however often its emitter runs.
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
