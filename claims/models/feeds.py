from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.articles import Article
from claims.models.base import TimeStampedModel
from claims.validators import validate_http_url


class FeedItemOutcome(models.TextChoices):
    INGESTED = "ingested", _("Ingested")
    DUPLICATE = "duplicate", _("Already on the desk")
    FAILED = "failed", _("Failed")


class Feed(TimeStampedModel):
    """An RSS or Atom feed the desk polls; its new items become articles."""

    # Unique, so indexed: 500 characters keep any address within a PostgreSQL index row.
    url = models.URLField(_("feed address"), max_length=500, unique=True, validators=[validate_http_url])
    title = models.CharField(_("title"), max_length=300, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    # Empty: each item's language is detected from its text.
    language = models.CharField(_("language"), max_length=8, blank=True)
    interval_minutes = models.PositiveIntegerField(
        _("polling interval (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Conditional GET: what the server said last time, sent back so an unchanged feed costs a 304.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when a poll is handed to the worker; a message carrying another token is stale.
    poll_token = models.CharField(max_length=32, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    items_seen = models.PositiveIntegerField(_("items seen"), default=0)
    items_ingested = models.PositiveIntegerField(_("items ingested"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["outlet", "url"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        constraints = [
            models.CheckConstraint(condition=models.Q(interval_minutes__gte=1), name="feed_interval_positive"),
        ]

    def __str__(self) -> str:
        return self.title or self.outlet or self.url

    def get_absolute_url(self) -> str:
        return reverse("claims:feed-detail", args=[self.pk])


class FeedItem(TimeStampedModel):
    """One item of a feed, once seen: what makes a repeated item (same GUID) cost nothing."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=255)  # longer ones are stored as their hash
    # Indexed: 500 characters keep any URL within a PostgreSQL index row.
    url = models.CharField(max_length=500, blank=True, db_index=True)
    title = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=10, choices=FeedItemOutcome)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="feed_items")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["feed", "guid"], name="feed_item_unique_guid")]

    def __str__(self) -> str:
        return self.title or self.guid
