"""Reads for reports and exports: report data per article, ClaimReview items, export rows."""

import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import translation

from claims.exporters.claimreview import ReviewedClaim, claim_review
from claims.models import Article, Claim, ClaimStatus, Rating, Review, ReviewDecision, Verdict
from claims.models.articles import published_display

# Claims that went past triage are the article's verification; the others are counted.
REPORTED = [s for s in ClaimStatus if s not in (ClaimStatus.DETECTED, ClaimStatus.DISMISSED)]
EXPORT_COLUMNS = [
    "id",
    "article_id",
    "article_title",
    "article_url",
    "outlet",
    "published",
    "text",
    "wording",
    "start",
    "end",
    "score",
    "claimant",
    "types",
    "status",
    "assignee",
    "due_date",
    "rating",
    "verdict_summary",
    "approved",
    "created_at",
    "updated_at",
]


@dataclass
class ReportClaim:
    claim: Claim
    verdict: Verdict | None  # the latest submitted verdict
    approved: Review | None  # the approving review, if the claim is approved
    evidence: list = field(default_factory=list)
    events: list = field(default_factory=list)

    @property
    def conclusion(self) -> Verdict | None:
        """Only an approved verdict is a conclusion; anything else is pending."""
        return self.verdict if self.approved is not None else None


def untriaged_and_dismissed(article: Article) -> dict:
    """The article's sentences that are not in the report: not yet triaged, and dismissed."""
    counts = dict(
        article.claims.filter(status__in=[ClaimStatus.DETECTED, ClaimStatus.DISMISSED])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {"untriaged": counts.get(ClaimStatus.DETECTED, 0), "dismissed": counts.get(ClaimStatus.DISMISSED, 0)}


def report_claims(article: Article) -> list[ReportClaim]:
    claims = (
        article.claims.filter(status__in=REPORTED)
        .select_related("assignee")
        .prefetch_related(
            "evidence",
            Prefetch(
                "verdicts",
                Verdict.objects.submitted()
                .select_related("author")
                .prefetch_related(Prefetch("reviews", Review.objects.select_related("reviewer")))
                .order_by("submitted_at", "id"),
            ),
            Prefetch("events", queryset=_events()),
        )
        .order_by("start")
    )
    return [_report_claim(claim) for claim in claims]


def _events():
    from claims.models import ClaimEvent

    return ClaimEvent.objects.select_related("actor").order_by("created_at", "id")


def _report_claim(claim: Claim) -> ReportClaim:
    verdicts = list(claim.verdicts.all())
    verdict = verdicts[-1] if verdicts else None  # prefetched oldest first: the current verdict is the last
    approved = None
    if verdict is not None and claim.status == ClaimStatus.APPROVED:
        approved = next(
            (
                r
                for r in reversed(list(verdict.reviews.all()))
                if r.decision == ReviewDecision.APPROVE and r.reviewer_id != verdict.author_id
            ),
            None,
        )
    return ReportClaim(claim, verdict, approved, list(claim.evidence.all()), list(claim.events.all())[-6:])


def claim_reviews(article: Article, *, language: str, report_url: str, items: list[ReportClaim] | None = None) -> list:
    """ClaimReview JSON-LD for every approved claim of the article."""
    items = report_claims(article) if items is None else items
    return [_claim_review(article, item, language, report_url) for item in items if item.conclusion is not None]


def claim_review_for(claim: Claim, *, language: str, report_url: str) -> dict | None:
    item = next((i for i in report_claims(claim.article) if i.claim.pk == claim.pk), None)
    if item is None or item.conclusion is None:
        return None
    return _claim_review(claim.article, item, language, report_url)


def _claim_review(article: Article, item: ReportClaim, language: str, report_url: str) -> dict:
    claim, verdict = item.claim, item.conclusion
    rating = Rating(verdict.rating)
    persons = {e.get("text") for e in claim.entities if e.get("label") == "PERSON"}
    with translation.override(language):
        data = ReviewedClaim(
            claim_text=claim.display_text,
            anchor_url=f"{report_url}#claim-{claim.pk}",
            date_published=item.approved.created_at.date().isoformat(),
            language=language,
            rating_value=rating.numeric,
            rating_name=rating.label_in(language),
            claimant=claim.claimant or article.outlet,
            claimant_is_person=claim.claimant in persons,
            appearance_url=article.url,
            appearance_headline=article.title,
            appearance_outlet=article.outlet,
            appearance_date=article.published_display,
            summary=verdict.summary,
        )
    return claim_review(
        data, organisation=settings.FACTCHECK_ORGANISATION_NAME, organisation_url=settings.FACTCHECK_ORGANISATION_URL
    )


_EXPORT_FIELDS = (
    "id",
    "article_id",
    "article__title",
    "article__url",
    "article__outlet",
    "article__published_on",
    "article__published_precision",
    "text",
    "wording",
    "start",
    "end",
    "score",
    "claimant",
    "types",
    "status",
    "assignee__username",
    "due_date",
    "created_at",
    "updated_at",
)
EXPORT_CHUNK = 2000


def export_queryset(filters: dict) -> QuerySet:
    """Claims matching an export's filters as the job stores them ("checker": the assignee's username), by id."""
    keys = {"status", "rating", "article", "checker", "date_from", "date_to"}
    given = {("assignee" if k == "checker" else k): v for k, v in filters.items() if k in keys}
    return Claim.objects.filtered(**given).order_by("id")


def export_rows(claims: QuerySet):
    """Plain rows, streamed: tuples from the database, the current verdicts one query per chunk."""
    values = claims.values_list(*_EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(itertools.islice(values, EXPORT_CHUNK)):
        verdicts = Verdict.objects.current_values_by_claim([row[0] for row in chunk], "rating", "summary")
        for row in chunk:
            yield _export_row(row, verdicts.get(row[0], ("", "")))


def _export_row(row: tuple, verdict: tuple[str, str]) -> dict:
    (
        pk,
        article_id,
        title,
        url,
        outlet,
        published_on,
        precision,
        text,
        wording,
        start,
        end,
        score,
        claimant,
        types,
        status,
        assignee,
        due_date,
        created_at,
        updated_at,
    ) = row
    return {
        "id": pk,
        "article_id": article_id,
        "article_title": title,
        "article_url": url,
        "outlet": outlet,
        "published": published_display(published_on, precision),
        "text": text,
        "wording": wording,
        "start": start,
        "end": end,
        "score": score,
        "claimant": claimant,
        "types": types,
        "status": status,
        "assignee": assignee or "",
        "due_date": due_date.isoformat() if due_date else "",
        "rating": verdict[0],
        "verdict_summary": verdict[1],
        "approved": status == ClaimStatus.APPROVED,
        "created_at": created_at.isoformat(),
        "updated_at": updated_at.isoformat(),
    }
