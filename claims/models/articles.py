import hashlib
import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel
from claims.validators import URL_MAX_LENGTH, validate_http_url


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other (limited support)")


class ExtractionStatus(models.TextChoices):
    # An article given by its link: its page is being fetched; it has no text yet.
    FETCHING = "fetching", _("Fetching the page")
    QUEUED = "queued", _("Queued")
    EXTRACTING = "extracting", _("Extracting")
    EXTRACTED = "extracted", _("Extracted")
    FAILED = "failed", _("Failed")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def published_display(published_on, precision: str) -> str:
    """A publication date at its precision: 2023, 2023-01 or 2023-01-15."""
    if published_on is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{published_on:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{published_on:%Y-%m}"
    return published_on.isoformat()


def content_hash(body: str) -> str:
    """The identity of a text: the same words re-imported find the same article.

    Unicode form, line endings and surrounding blank space do not change identity.
    """
    canonical = unicodedata.normalize("NFC", body.replace("\r\n", "\n")).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Article(TimeStampedModel):
    title = models.CharField(_("title"), max_length=500, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=URL_MAX_LENGTH, blank=True, validators=[validate_http_url])
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    published_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    # An ISO 639-1 code; French and English have full support, others sentences and rules.
    language = models.CharField(_("language"), max_length=8, default=Language.FRENCH)
    # The original text, never altered: every claim's offsets point into it.
    body = models.TextField(_("text"))
    # Empty (NULL) while the article's page is being fetched: it has no text to identify it yet.
    content_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    extraction_status = models.CharField(
        _("extraction status"),
        max_length=12,
        choices=ExtractionStatus,
        default=ExtractionStatus.QUEUED,
        db_index=True,
    )
    extraction_error = models.TextField(_("extraction error"), blank=True)
    # Set each time extraction is queued; a task holding an older token is stale.
    extraction_token = models.CharField(max_length=32, blank=True, editable=False)
    extraction_queued_at = models.DateTimeField(null=True, blank=True)
    extraction_started_at = models.DateTimeField(null=True, blank=True)
    extraction_finished_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # The score from which a sentence of this article becomes a claim; empty: the scorer's own.
    # An editor lowers it to see more of a text, then re-extracts (every claim keeps its score).
    claim_threshold = models.FloatField(
        _("claim threshold"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    # The line the last extraction applied (this article's own, else the scorer's): what the page tells.
    extraction_threshold = models.FloatField(_("threshold of the last extraction"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("manage_articles", _("Can submit and manage articles"))]
        constraints = [
            # Only an article given by its link is without text, while its page is fetched or when that failed.
            models.CheckConstraint(
                condition=~models.Q(body="")
                | (~models.Q(url="") & models.Q(extraction_status__in=["fetching", "failed"])),
                name="article_body_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(claim_threshold__isnull=True)
                | models.Q(claim_threshold__gte=0.0, claim_threshold__lte=1.0),
                name="article_claim_threshold_is_a_score",
            ),
            models.CheckConstraint(
                condition=models.Q(extraction_threshold__isnull=True)
                | models.Q(extraction_threshold__gte=0.0, extraction_threshold__lte=1.0),
                name="article_extraction_threshold_is_a_score",
            ),
        ]
        indexes = [
            # The outlet filters (articles, claims, triage) match whatever the case: this index is what
            # they compare, and gives PostgreSQL the statistics to read triage in its index order.
            models.Index(Upper("outlet"), name="article_outlet_upper"),
        ]

    def __str__(self) -> str:
        # An article given by its link is known by it until its page is read.
        return self.title or (self.url if self.awaits_page else "") or _("Article %(id)s") % {"id": self.pk}

    def save(self, *args, **kwargs):
        self.content_hash = content_hash(self.body) if self.body else None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("claims:article-detail", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 100 if self.extraction_status == ExtractionStatus.EXTRACTED else 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def awaits_page(self) -> bool:
        """Given by its link, its text not fetched yet (or the fetch failed)."""
        return not self.body and bool(self.url)

    @property
    def published_display(self) -> str:
        return published_display(self.published_on, self.published_precision)

    @property
    def has_full_language_support(self) -> bool:
        return self.language in (Language.FRENCH, Language.ENGLISH)
