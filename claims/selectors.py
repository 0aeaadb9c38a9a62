"""Reads: queues, dashboards, search. Keyword-only functions named <entity>_<query>."""

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from claims import workflow
from claims.models import (
    OPEN_STATUSES,
    Article,
    BlindRating,
    Claim,
    ClaimEvent,
    ClaimMatch,
    ClaimStatus,
    Feed,
    MatchStatus,
    Notification,
    Tag,
    Verdict,
)
from claims.services.tags import TAGS_CACHE_KEY

# A list shows an article's title, outlet and language, never its text: a body (up to 150 kB) is not read
# for each row. An entry point that needs it on a listed claim reads it back when asked.
LIST_DEFERRED = ("article__body",)


def claim_list(**filters) -> QuerySet:
    """Claims with their article (without its text) and assignee, narrowed by the desk's claim filters
    (`ClaimQuerySet.filtered`)."""
    return Claim.objects.select_related("article", "assignee").defer(*LIST_DEFERRED).filtered(**filters)


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False
    nullable: bool = False  # NULLs first, as in PostgreSQL's DESC index; only a sort's first key may be

    def expression(self) -> OrderBy:
        return OrderBy(F(self.field), descending=self.descending, nulls_first=True if self.nullable else None)

    def beyond(self, value, forward: bool, *, strict: bool = True) -> Q:
        """field after `value` (before it if not `forward`) in this key's order; with `strict=False`, or equal."""
        operator_ = ("lt" if self.descending == forward else "gt") + ("" if strict else "e")
        return Q(**{f"{self.field}__{operator_}": value})


# Each sort ends with a unique key, so the order is total: pages never overlap and every claim has
# one previous and one next. "score" reads the index claim_triage_order (status, -score, article, start);
# unscored claims (added by a person) come first.
CLAIM_SORTS = {
    "score": (SortKey("score", descending=True, nullable=True), SortKey("article_id"), SortKey("start"), SortKey("id")),
    "newest": (SortKey("created_at", descending=True), SortKey("id", descending=True)),
    "article": (SortKey("article_id", descending=True), SortKey("start"), SortKey("id")),
}
DEFAULT_SORT = "score"


def claim_list_sorted(*, sort: str = DEFAULT_SORT, **filters) -> QuerySet:
    return claim_list(**filters).order_by(*(key.expression() for key in CLAIM_SORTS[sort]))


def claim_list_for_triage(*, sort: str = DEFAULT_SORT, **filters) -> QuerySet:
    """Detected claims, the most check-worthy first by default, with what they match ("checked before?")."""
    claims = claim_list_sorted(sort=sort, **filters, status=ClaimStatus.DETECTED)
    return claims.prefetch_related(open_matches_prefetch())


def claim_neighbours(*, claim: Claim, claims: QuerySet, sort: str = DEFAULT_SORT) -> tuple[int | None, int | None]:
    """The ids of the claims just before and just after `claim` in `claims` read in `sort` order.

    A keyset on the sort key: one-row queries that start from the claim's own key (an index range for
    the default sort), never reading the list up to it. Two queries, three for the first scored claim
    (its previous is the last unscored one). The claim need not be in the list any more (just kept, it
    has left triage): its neighbours are those around its place.
    """
    keys = CLAIM_SORTS[sort]
    ordered = claims.prefetch_related(None).order_by(*(key.expression() for key in keys)).values_list("pk", flat=True)
    previous = ordered.filter(_beyond(keys, claim, forward=False)).last()
    if previous is None and keys[0].nullable and getattr(claim, keys[0].field) is not None:
        previous = ordered.filter(**{f"{keys[0].field}__isnull": True}).last()
    return previous, ordered.filter(_beyond(keys, claim, forward=True)).first()


def _beyond(keys, claim: Claim, *, forward: bool) -> Q:
    """Claims strictly after (before) `claim` in the order of `keys`, written so the first key is a range.

    The NULLs of a nullable first key are left out when the claim has a value (see claim_neighbours).
    """
    first, value = keys[0], getattr(claim, keys[0].field)
    if value is None:  # unscored claims come first, in the order of the other keys
        tied = Q(**{f"{first.field}__isnull": True}) & _beyond_tie(keys[1:], claim, forward)
        return tied | Q(**{f"{first.field}__isnull": False}) if forward else tied
    tied = Q(**{first.field: value}) & _beyond_tie(keys[1:], claim, forward)
    return first.beyond(value, forward, strict=False) & (first.beyond(value, forward) | tied)


def _beyond_tie(keys, claim: Claim, forward: bool) -> Q:
    """Beyond on keys without NULLs: equal on the keys before, beyond on the first that differs."""
    condition, equal = Q(), Q()
    for key in keys:
        value = getattr(claim, key.field)
        step = equal & key.beyond(value, forward)
        condition = step if not condition else condition | step
        equal &= Q(**{key.field: value})
    return condition


def open_matches() -> QuerySet:
    """Suggested and linked matches, best first, with the earlier claims' submitted verdicts prefetched."""
    verdicts = Verdict.objects.submitted().latest_first()
    return (
        ClaimMatch.objects.exclude(status=MatchStatus.REJECTED)
        .select_related("earlier_claim__article", "fact_check")
        .defer(*(f"earlier_claim__{name}" for name in LIST_DEFERRED))
        .prefetch_related(Prefetch("earlier_claim__verdicts", queryset=verdicts, to_attr="submitted_verdicts"))
        .order_by("status", "-score", "id")
    )


def open_matches_prefetch() -> Prefetch:
    """open_matches() as `claim.open_matches`, for lists of claims (triage)."""
    return Prefetch("matches", queryset=open_matches(), to_attr="open_matches")


def claim_queue_for_user(*, user, tag: str = "") -> QuerySet:
    """My queue: claims assigned to me still open, overdue and soonest due first."""
    return claim_list(tag=tag).filter(assignee=user, status__in=OPEN_STATUSES).order_by("due_date", "-updated_at")


def claim_list_for_review(*, user) -> QuerySet:
    """Claims waiting for review whose current verdict someone else wrote (an earlier one may be theirs)."""
    own = Verdict.objects.filter(pk=OuterRef("current_verdict_id"), author=user)
    return (
        claim_list(status=ClaimStatus.IN_REVIEW)
        .annotate(current_verdict_id=Verdict.objects.current_subquery())
        .exclude(Exists(own))
    )


def notification_list_for_user(*, user) -> QuerySet:
    """A person's own notifications, newest first, with what each line shows."""
    return Notification.objects.filter(recipient=user).select_related("actor", "claim").order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def article_list(**filters) -> QuerySet:
    """The articles list: `article_filtered`, each with its count of claims not dismissed, newest first."""
    articles = article_filtered(**filters).select_related("submitted_by")
    articles = articles.annotate(claim_count=Count("claims", filter=~Q(claims__status=ClaimStatus.DISMISSED)))
    return articles.order_by("-created_at", "-id")


def article_filtered(
    *,
    query: str = "",
    status: str = "",
    language: str = "",
    outlet: str = "",
    date_from=None,
    date_to=None,
    tag: str = "",
) -> QuerySet:
    """The one definition of the article filters (the list, its saved searches, the API); `tag` is a slug."""
    articles = Article.objects.all()
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(outlet__icontains=query) | Q(author__icontains=query))
    if status:
        articles = articles.filter(extraction_status=status)
    if language:
        articles = articles.filter(language=language)
    if outlet:
        articles = articles.filter(outlet__iexact=outlet)
    if date_from:
        articles = articles.filter(published_on__gte=date_from)
    if date_to:
        articles = articles.filter(published_on__lte=date_to)
    if tag:
        articles = articles.filter(tags__slug=tag)
    return articles


def tag_choices() -> list[tuple[str, str]]:
    """(slug, name) of every tag, by name: read once for every list's filter until a tag changes.

    Kept under a generation number that a change of tag replaces (signals.forget_tag_choices, now and
    at commit): a request that read the tags before the change and stores them late stores them under
    the old generation, which nobody reads any more.
    """
    generation = cache.get_or_set(TAGS_CACHE_KEY, time.time_ns, None)
    return cache.get_or_set(
        f"{TAGS_CACHE_KEY}:{generation}", lambda: list(Tag.objects.values_list("slug", "name")), 3600
    )


def tag_list() -> QuerySet:
    """The tags page: every tag with its numbers of claims and articles."""
    return Tag.objects.annotate(
        claim_count=Count("claims", distinct=True), article_count=Count("articles", distinct=True)
    ).select_related("created_by")


def feed_list() -> QuerySet:
    return Feed.objects.order_by("outlet", "title", "url")


def feed_items(*, feed, limit: int = 50) -> list:
    """The feed's latest items with their articles, newest first."""
    return list(feed.items.select_related("article").order_by("-created_at", "-id")[:limit])


def outlet_choices() -> list[str]:
    return list(Article.objects.exclude(outlet="").order_by("outlet").values_list("outlet", flat=True).distinct())


OUTLETS_CACHE_KEY = "claims:outlets"


def outlet_suggestions() -> list[str]:
    """outlet_choices() to suggest while typing a filter (the claims lists), up to a few seconds old like the
    dashboard's figures: reading every article's outlet costs 20 ms on a 10,000-article desk."""
    return cache.get_or_set(OUTLETS_CACHE_KEY, outlet_choices, settings.FACTCHECK_DASHBOARD_CACHE_SECONDS)


def claims_search(*, query: str, tag: str = "") -> QuerySet:
    """Full-text search over claims: French stemming on PostgreSQL (GIN-indexed), words elsewhere."""
    claims = Claim.objects.select_related("article", "assignee").filtered(tag=tag)
    if connection.vendor == "postgresql":
        search = SearchQuery(query, config="french", search_type="websearch")
        return (
            claims.annotate(text_vector=SearchVector("text", config="french"))
            .annotate(rank=SearchRank(SearchVector("text", config="french"), search))
            .filter(text_vector=search)
            .order_by("-rank", "-id")
        )
    return claims.filter(_all_words(query, "text", "wording")).order_by("-id")


def articles_search(*, query: str, tag: str = "") -> QuerySet:
    articles = article_filtered(tag=tag)
    if connection.vendor == "postgresql":
        search = SearchQuery(query, config="french", search_type="websearch")
        vector = SearchVector("title", "body", config="french")
        return (
            articles.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-id")
        )
    return articles.filter(_all_words(query, "title", "body")).order_by("-id")


def _all_words(query: str, *fields: str) -> Q:
    condition = Q()
    for word in query.split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


DASHBOARD_CACHE_KEY = "claims:dashboard:desk"


def dashboard_data(*, user) -> dict:
    """The desk-wide figures (shared, up to FACTCHECK_DASHBOARD_CACHE_SECONDS old) and the user's own lists."""
    today = timezone.localdate()
    desk = cache.get_or_set(DASHBOARD_CACHE_KEY, desk_figures, settings.FACTCHECK_DASHBOARD_CACHE_SECONDS)
    return {
        **desk,
        # Asked of the database unless claims are counted: the cached figures may predate the first article.
        "desk_empty": not any(n for _status, n in desk["by_status"]) and not Article.objects.exists(),
        "my_queue": claim_queue_for_user(user=user)[:10],
        "overdue": claim_list().filter(status__in=OPEN_STATUSES, due_date__lt=today).order_by("due_date")[:20],
        "recent": ClaimEvent.objects.select_related("actor", "claim").order_by("-created_at", "-id")[:15],
        "cache_seconds": settings.FACTCHECK_DASHBOARD_CACHE_SECONDS,
    }


def desk_figures() -> dict:
    """Aggregates over every claim: a few tens of milliseconds at 100,000 claims, so computed once for all."""
    counts = dict(Claim.objects.values_list("status").annotate(n=Count("id")).order_by())
    by_status = [(status, counts.get(status.value, 0)) for status in ClaimStatus]
    return {
        "by_status": by_status,
        "max_count": max([n for _s, n in by_status] + [1]),
        "workload": list(checker_workload()),
        "agreement": agreement(),
    }


def checker_workload() -> QuerySet:
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=workflow.CHECKER_GROUP)
        .annotate(
            open_claims=Count("assigned_claims", filter=Q(assigned_claims__status__in=OPEN_STATUSES)),
            overdue_claims=Count(
                "assigned_claims",
                filter=Q(assigned_claims__status__in=OPEN_STATUSES, assigned_claims__due_date__lt=today),
            ),
        )
        .order_by("-open_claims", "username")
    )


def agreement(*, since: dt.date | None = None) -> dict:
    """Checker's proposed rating against the reviewer's blind one: raw agreement and Cohen's kappa."""
    ratings = BlindRating.objects.exclude(rating="")  # skipped ones say nothing about agreement
    if since:
        ratings = ratings.filter(created_at__date__gte=since)
    # Counted by the database: a busy desk has tens of thousands of ratings, a few dozen pairs.
    grouped = ratings.values_list("verdict__rating", "rating").annotate(n=Count("id")).order_by()
    pairs = Counter({(proposed, independent): n for proposed, independent, n in grouped})
    return {"pairs": pairs.total(), **cohen_kappa(pairs)}


def cohen_kappa(pairs: Counter) -> dict:
    """Raw agreement and Cohen's kappa from counts of (first rating, second rating) pairs."""
    n = pairs.total()
    if not n:
        return {"observed": None, "kappa": None}
    observed = sum(count for (a, b), count in pairs.items() if a == b) / n
    first, second = Counter(), Counter()
    for (a, b), count in pairs.items():
        first[a] += count
        second[b] += count
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    kappa = 1.0 if expected == 1 else (observed - expected) / (1 - expected)
    return {"observed": round(observed, 3), "kappa": round(kappa, 3)}


def webhook_endpoints():
    from claims.models import WebhookEndpoint

    return WebhookEndpoint.objects.all()


def webhook_deliveries(*, endpoint, limit: int = 100):
    """The endpoint's delivery log, newest first."""
    return endpoint.deliveries.all()[:limit]
