import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models.articles import Language
from claims.models.base import TimeStampedModel
from claims.models.verification import Rating
from claims.validators import URL_MAX_LENGTH, validate_http_url


class FactCheck(TimeStampedModel):
    """A published fact-check in the desk's library, imported from ClaimReview JSON-LD."""

    claim_reviewed = models.CharField(_("claim reviewed"), max_length=2000)
    url = models.URLField(_("fact-check URL"), max_length=URL_MAX_LENGTH, validators=[validate_http_url])
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    headline = models.CharField(_("headline"), max_length=500, blank=True)
    claimant = models.CharField(_("claimant"), max_length=300, blank=True)
    # The rating as published ("Faux", "Pants on Fire", "2/5") and its place on our scale.
    rating_text = models.CharField(_("rating as published"), max_length=200, blank=True)
    rating = models.CharField(_("rating"), max_length=14, choices=Rating, blank=True)
    date_published = models.DateField(_("published on"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language, default=Language.FRENCH)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Importing the same review twice updates its row: one page may review several claims, so the
    # key is the URL and the claim together, hashed (the pair is too long for a b-tree index).
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-date_published", "-id"]
        verbose_name = _("published fact-check")
        verbose_name_plural = _("published fact-checks")

    def __str__(self) -> str:
        return self.claim_reviewed[:80]

    def save(self, *args, **kwargs):
        self.fingerprint = self.fingerprint_of(self.url, self.claim_reviewed)
        super().save(*args, **kwargs)

    @staticmethod
    def fingerprint_of(url: str, claim_reviewed: str) -> str:
        return hashlib.sha256(f"{url}\n{claim_reviewed}".encode()).hexdigest()

    @property
    def match_text(self) -> str:
        return f"{self.claim_reviewed}\n{self.headline}".strip()


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Linked")
    REJECTED = "rejected", _("Not the same claim")


class ClaimMatch(TimeStampedModel):
    """`claim` repeats an earlier claim of the desk or a published fact-check (exactly one of them)."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="matches")
    earlier_claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, null=True, blank=True, related_name="repeated_by"
    )
    fact_check = models.ForeignKey(FactCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="matches")
    # The matcher's probability-like score; None when a person made the link.
    score = models.FloatField(_("similarity"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MatchStatus, default=MatchStatus.SUGGESTED)
    # Who confirmed or rejected it; None while only the matcher has spoken.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["claim_id", "-score", "id"]
        verbose_name = _("claim match")
        verbose_name_plural = _("claim matches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(earlier_claim__isnull=False, fact_check__isnull=True)
                | models.Q(earlier_claim__isnull=True, fact_check__isnull=False),
                name="claimmatch_exactly_one_target",
            ),
            models.CheckConstraint(condition=~models.Q(earlier_claim=models.F("claim")), name="claimmatch_not_itself"),
            models.UniqueConstraint(
                fields=["claim", "earlier_claim"],
                condition=models.Q(earlier_claim__isnull=False),
                name="claimmatch_claim_unique",
            ),
            models.UniqueConstraint(
                fields=["claim", "fact_check"],
                condition=models.Q(fact_check__isnull=False),
                name="claimmatch_factcheck_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.earlier_claim_id or f'fact-check {self.fact_check_id}'}"

    @property
    def target_text(self) -> str:
        return self.earlier_claim.display_text if self.earlier_claim_id else self.fact_check.claim_reviewed

    @property
    def target_language(self) -> str:
        return self.fact_check.language if self.fact_check_id else self.earlier_claim.article.language

    def get_target_language_display(self) -> str:
        return Language(self.target_language).label

    @property
    def approved_verdict(self):
        """The earlier claim's current verdict if that claim is approved; None otherwise (or for a fact-check)."""
        earlier = self.earlier_claim
        if earlier is None or earlier.status != "approved":
            return None
        verdicts = getattr(earlier, "submitted_verdicts", None)  # prefetched by selectors, newest first
        if verdicts is None:
            verdicts = list(earlier.verdicts.submitted().latest_first()[:1])
        return verdicts[0] if verdicts else None

    @property
    def earlier_rating(self) -> str:
        """The rating of the earlier check: its approved verdict, or the published one ("" if none)."""
        if self.fact_check_id:
            return self.fact_check.rating
        verdict = self.approved_verdict
        return verdict.rating if verdict else ""

    def get_earlier_rating_display(self) -> str:
        rating = self.earlier_rating
        return Rating(rating).label if rating else ""


class EmbeddingQuerySet(models.QuerySet):
    def vectors(self, encoder_name: str, keys) -> dict[int, bytes]:
        """Stored vectors by key (claim or fact-check id) for one encoder; others are re-embedded."""
        return dict(self.filter(encoder=encoder_name, pk__in=list(keys)).values_list("pk", "vector"))


class ClaimEmbedding(models.Model):
    """A claim's sentence embedding for the matcher's dense stage, so a restart does not re-embed it."""

    claim = models.OneToOneField("claims.Claim", on_delete=models.CASCADE, primary_key=True, related_name="+")
    encoder = models.CharField(max_length=80)  # the encoder's name: another model's vectors are not comparable
    vector = models.BinaryField()  # float32, little-endian
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmbeddingQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim embedding")
        verbose_name_plural = _("claim embeddings")

    def __str__(self) -> str:
        return f"claim {self.pk} ({self.encoder})"


class FactCheckEmbedding(models.Model):
    """A published fact-check's claim embedded, as ClaimEmbedding."""

    fact_check = models.OneToOneField(FactCheck, on_delete=models.CASCADE, primary_key=True, related_name="+")
    encoder = models.CharField(max_length=80)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmbeddingQuerySet.as_manager()

    class Meta:
        verbose_name = _("fact-check embedding")
        verbose_name_plural = _("fact-check embeddings")

    def __str__(self) -> str:
        return f"fact-check {self.pk} ({self.encoder})"
