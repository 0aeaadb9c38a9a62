from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel
from claims.validators import URL_MAX_LENGTH, validate_http_url

# (value, numeric ClaimReview value or None, French label, English label)
_RATINGS = [
    ("false", 1, "Faux", "False"),
    ("mostly_false", 2, "Plutôt faux", "Mostly false"),
    ("misleading", 3, "Trompeur", "Misleading"),
    ("mostly_true", 4, "Plutôt vrai", "Mostly true"),
    ("true", 5, "Vrai", "True"),
    ("unverifiable", None, "Invérifiable", "Unverifiable"),
]
_RATING_INFO = {value: (numeric, fr, en) for value, numeric, fr, en in _RATINGS}


class Rating(models.TextChoices):
    FALSE = "false", _("False")
    MOSTLY_FALSE = "mostly_false", _("Mostly false")
    MISLEADING = "misleading", _("Misleading")
    MOSTLY_TRUE = "mostly_true", _("Mostly true")
    TRUE = "true", _("True")
    UNVERIFIABLE = "unverifiable", _("Unverifiable")

    @property
    def numeric(self) -> int | None:
        """The ClaimReview ratingValue (1 = false … 5 = true); None when unverifiable."""
        return _RATING_INFO[self.value][0]

    def label_in(self, language: str) -> str:
        _numeric, fr, en = _RATING_INFO[self.value]
        return fr if language.startswith("fr") else en


class EvidenceStance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    CONTEXT = "context", _("Context")


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    SEND_BACK = "send_back", _("Send back")


class Assignment(TimeStampedModel):
    """One assignment of a claim to a checker; the rows together are its assignment history."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.claim_id} → {self.assignee}"


class Evidence(TimeStampedModel):
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(_("URL"), max_length=URL_MAX_LENGTH, blank=True, validators=[validate_http_url])
    title = models.CharField(_("title"), max_length=500)
    excerpt = models.TextField(_("excerpt"), blank=True)
    stance = models.CharField(_("stance"), max_length=10, choices=EvidenceStance)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


LATEST_FIRST = ("-submitted_at", "-id")


class VerdictQuerySet(models.QuerySet):
    """The one definition of "the current verdict": a claim's latest submitted verdict."""

    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def latest_first(self):
        return self.order_by(*LATEST_FIRST)

    def current_for(self, claim) -> "Verdict | None":
        return self.submitted().filter(claim=claim).latest_first().select_related("author").first()

    def current_subquery(self, field: str = "pk"):
        """For annotating claims with a field of their current verdict (`OuterRef("pk")` is the claim)."""
        return models.Subquery(self.submitted().filter(claim=models.OuterRef("pk")).latest_first().values(field)[:1])

    def current(self):
        """Each claim's current verdict, one row per claim in the order of their ids (PostgreSQL only:
        DISTINCT ON a field)."""
        return self.submitted().order_by("claim_id", *LATEST_FIRST).distinct("claim_id")

    def current_values_by_claim(self, claim_ids, *fields: str) -> dict[int, tuple]:
        """{claim id: (fields of its current verdict)} for these claims, in one query."""
        current = {}
        rows = self.submitted().filter(claim_id__in=claim_ids).order_by("claim_id", "submitted_at", "id")
        for claim_id, *values in rows.values_list("claim_id", *fields):
            current[claim_id] = tuple(values)  # later rows overwrite earlier ones: the latest wins
        return current


class Verdict(TimeStampedModel):
    """A checker's proposed verdict. A draft until submitted; a claim may have several over time."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="verdicts")
    rating = models.CharField(_("rating"), max_length=14, choices=Rating)
    summary = models.TextField(_("summary"))
    rationale = models.TextField(_("rationale"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = VerdictQuerySet.as_manager()

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [
            # At most one draft per claim and author: saving a draft replaces it.
            models.UniqueConstraint(
                fields=["claim", "author"],
                condition=models.Q(submitted_at__isnull=True),
                name="verdict_one_draft_per_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.summary[:60]}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None


class Review(TimeStampedModel):
    verdict = models.ForeignKey("claims.Verdict", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["verdict_id", "created_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="send_back") | ~models.Q(comment=""),
                name="review_send_back_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer}"


class BlindRating(TimeStampedModel):
    """A reviewer's own rating of a claim, recorded before they see the proposed verdict (or skipped).

    Until this row exists the reviewer sees nothing of the verdict; agreement figures compare
    `rating` with the verdict's. An empty `rating` means the reviewer chose to skip.
    """

    verdict = models.ForeignKey("claims.Verdict", on_delete=models.CASCADE, related_name="blind_ratings")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(_("independent rating"), max_length=14, choices=Rating, blank=True)

    class Meta:
        ordering = ["verdict_id", "created_at", "id"]
        verbose_name = _("blind rating")
        verbose_name_plural = _("blind ratings")
        constraints = [
            # One blind rating per reviewer and verdict: it cannot be redone after seeing the verdict.
            models.UniqueConstraint(fields=["verdict", "reviewer"], name="blind_rating_once_per_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.rating or '-'}"

    @property
    def skipped(self) -> bool:
        return not self.rating


class Comment(TimeStampedModel):
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"))

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]
