from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel


class ClaimStatus(models.TextChoices):
    DETECTED = "detected", _("Detected")
    DISMISSED = "dismissed", _("Dismissed")
    TO_CHECK = "to_check", _("To check")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")


# Claims someone is working on (assigned to a checker, not yet decided): queues, workload, overdue.
OPEN_STATUSES = (ClaimStatus.ASSIGNED, ClaimStatus.IN_PROGRESS, ClaimStatus.IN_REVIEW)


class ClaimType(models.TextChoices):
    """What a claim is about, as extraction names it (`Claim.types` holds a list of these codes)."""

    QUANTITY = "quantity", _("quantity")
    QUOTE = "quote", _("quote")
    REPORTED_STATEMENT = "reported_statement", _("reported statement")
    EVENT = "event", _("event")
    PREDICTION = "prediction", _("prediction")
    COMPARISON = "comparison", _("comparison")
    CAUSAL = "causal", _("causal")


class ClaimOrigin(models.TextChoices):
    EXTRACTED = "extracted", _("Extracted")
    MANUAL = "manual", _("Added by a person")


class DateOn(models.TextChoices):
    """Which date a claims filter's range applies to."""

    CREATED = "created", _("when the claim was found")
    PUBLISHED = "published", _("when the article was published")


# Filters that are a plain lookup; the others (claim type, rating, dates) are built in `filtered`.
_LOOKUPS = {
    "status": "status",
    "article": "article_id",
    "outlet": "article__outlet__iexact",
    "language": "article__language",
    "score_min": "score__gte",
    "score_max": "score__lte",
    "claimant": "claimant__icontains",
    "assignee": "assignee__username",
    # One tag per filter: the join never repeats a claim (one link per claim and tag).
    "tag": "tags__slug",
}


class ClaimQuerySet(models.QuerySet):
    def filtered(
        self,
        *,
        claim_type: str = "",
        rating: str = "",
        date_on: str = DateOn.CREATED,
        date_from=None,
        date_to=None,
        **lookups,
    ):
        """The one definition of claim filters: the claims and triage lists, the claim page's previous and
        next, exports and the API all narrow claims here. Empty values (None, "") do not filter.

        Keys: those of `_LOOKUPS` (article is an id, assignee a username, tag a tag's slug), claim_type (a
        ClaimType code), rating (of the current verdict), date_from and date_to (inclusive) on `date_on`: the
        day the claim was found (created) or the article's publication date (published).
        """
        unknown = set(lookups) - set(_LOOKUPS)
        if unknown:
            raise TypeError(f"unknown claim filters: {sorted(unknown)}")
        claims = self.filter(**{_LOOKUPS[k]: v for k, v in lookups.items() if v not in (None, "")})
        if claim_type:
            claims = claims.filter(_has_type(claim_type))
        if rating:
            from claims.models.verification import Verdict

            claims = claims.annotate(current_rating=Verdict.objects.current_subquery("rating"))
            claims = claims.filter(current_rating=rating)
        field = "article__published_on" if date_on == DateOn.PUBLISHED else "created_at__date"
        if date_from:
            claims = claims.filter(**{f"{field}__gte": date_from})
        if date_to:
            claims = claims.filter(**{f"{field}__lte": date_to})
        return claims

    def untouched(self):
        """The one definition of what re-extraction may replace: extracted claims nobody has worked on.

        A claim with history (kept, commented, edited, linked), a wording, or that later claims were
        matched to is the desk's work, and re-extraction keeps it.
        """
        from claims.models.history import ClaimEvent
        from claims.models.matching import ClaimMatch, MatchStatus

        return self.filter(
            ~models.Exists(ClaimEvent.objects.filter(claim=models.OuterRef("pk"))),
            ~models.Exists(
                ClaimMatch.objects.filter(earlier_claim=models.OuterRef("pk")).exclude(status=MatchStatus.REJECTED)
            ),
            origin=ClaimOrigin.EXTRACTED,
            status=ClaimStatus.DETECTED,
            wording="",
        )

    def with_desk_work(self):
        """Extracted claims that re-extraction must keep (the complement of `untouched`)."""
        return self.filter(origin=ClaimOrigin.EXTRACTED).exclude(pk__in=self.untouched().values("pk"))


def _has_type(code: str) -> models.Q:
    """`types` (a JSON list of codes) holds `code`: JSON containment on PostgreSQL; SQLite has none, so
    the quoted code is looked for in the stored JSON text (codes are lowercase words, none inside another
    once quoted)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return models.Q(types__contains=[code])
    return models.Q(types__icontains=f'"{code}"')


class Claim(TimeStampedModel):
    article = models.ForeignKey(
        "claims.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="claims"
    )
    # Exactly article.body[start:end]; the editorial wording lives in `wording`.
    text = models.TextField(_("text as published"))
    start = models.PositiveIntegerField(_("start offset"))
    end = models.PositiveIntegerField(_("end offset"))
    wording = models.TextField(_("wording for checking"), blank=True)
    sentence_index = models.PositiveIntegerField(_("sentence"), null=True, blank=True)
    score = models.FloatField(_("check-worthiness"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    types = models.JSONField(_("claim types"), default=list, blank=True)
    claimant = models.CharField(_("claimant"), max_length=300, blank=True)
    entities = models.JSONField(_("entities"), default=list, blank=True)
    scorer_version = models.CharField(_("scorer version"), max_length=100, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=ClaimOrigin, default=ClaimOrigin.EXTRACTED)
    status = models.CharField(
        _("status"), max_length=12, choices=ClaimStatus, default=ClaimStatus.DETECTED, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "start", "id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("triage_claim", _("Can keep, dismiss and edit detected claims")),
            ("assign_claim", _("Can assign claims to checkers")),
            ("check_claim", _("Can work on claims assigned to them")),
            ("review_verdict", _("Can approve or send back verdicts")),
            ("reopen_claim", _("Can reopen approved claims")),
            ("export_reports", _("Can export reports")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="claim_span_not_empty"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="claim_score_between_0_and_1",
            ),
            # A claim being checked or reviewed always has someone responsible for it.
            models.CheckConstraint(
                condition=~models.Q(status__in=["assigned", "in_progress", "in_review"])
                | models.Q(assignee__isnull=False),
                name="claim_worked_on_has_assignee",
            ),
            # Re-running extraction replaces claims; it never duplicates a span.
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=models.Q(origin="extracted"),
                name="claim_extracted_span_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status"]),
            # Triage reads detected claims best first, 50 at a time: an index in that order.
            models.Index(fields=["status", "-score", "article", "start"], name="claim_triage_order"),
            # A checker's queue (open claims, soonest due first) and the dashboard's overdue list read
            # a few rows of the 25,000 open claims of a big desk in these orders, instead of sorting them.
            models.Index(
                fields=["assignee", "due_date", "-updated_at"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="claim_open_queue_order",
            ),
            models.Index(fields=["due_date"], condition=models.Q(status__in=OPEN_STATUSES), name="claim_open_due"),
        ]

    def __str__(self) -> str:
        return self.display_text[:80]

    def save(self, *args, **kwargs):
        self.check_offsets(self.article.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("claims:claim-detail", args=[self.pk])

    def check_offsets(self, body: str) -> None:
        """The invariant every claim keeps: its text is exactly its span of the body."""
        if not (0 <= self.start < self.end <= len(body)) or body[self.start : self.end] != self.text:
            raise ValidationError(
                _("The claim's text does not match the article at offsets %(start)s–%(end)s."),
                code="offsets",
                params={"start": self.start, "end": self.end},
            )

    @property
    def display_text(self) -> str:
        return self.wording or self.text

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_date is not None
            and self.due_date < timezone.localdate()
            and self.status not in (ClaimStatus.APPROVED, ClaimStatus.DISMISSED)
        )
