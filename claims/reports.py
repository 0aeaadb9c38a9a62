"""Reads for reports and exports: report data per article, ClaimReview items, export rows."""

import functools
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet, TextChoices
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from claims.exporters.claimreview import ReviewedClaim, claim_review
from claims.exporters.tabular import csv_lines, jsonl_lines
from claims.exporters.xlsx import xlsx_write
from claims.models import (
    Article,
    Claim,
    ClaimStatus,
    ClaimTag,
    ClaimType,
    Evidence,
    EvidenceStance,
    ExportFormat,
    Rating,
    Review,
    ReviewDecision,
    Verdict,
)
from claims.models.articles import published_display
from claims.people import display_name

# Claims that went past triage are the article's verification; the others are counted.
REPORTED = [s for s in ClaimStatus if s not in (ClaimStatus.DETECTED, ClaimStatus.DISMISSED)]


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
            date_published=timezone.localdate(item.approved.created_at).isoformat(),  # the desk's day
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


@dataclass(frozen=True)
class ExportColumn:
    """One column of every export (CSV, JSON Lines, spreadsheet), defined once.

    `key` names it for machines: the CSV header and the JSON key, stable across versions. `heading`
    names it for people: the spreadsheet's header, in the language chosen for the export. The value is
    the claim record's `source` (a name in FETCHED or LOOKED_UP), or, with `labels`, that code's
    label (codes joined when a list); with `blank`, empty text stands for no value.
    """

    key: str
    heading: Promise
    source: str
    labels: type[TextChoices] | None = None
    width: int = 12  # in the spreadsheet, in characters
    local_time: bool = False  # a time, shown in the desk's time zone in the spreadsheet
    blank: bool = False

    def transform(self) -> Callable | None:
        """What turns the source's value into the cell's, if anything: labels in the active language,
        looked up once per export."""
        if self.blank:
            return _blank
        if self.labels is None:
            return None
        names = self.label_names()

        @functools.lru_cache(maxsize=1024)  # few distinct lists of codes: each is joined once
        def joined(codes: tuple) -> str:
            return ", ".join(names.get(c, c) for c in codes)

        def label(code):
            return joined(tuple(code)) if code.__class__ is list else names.get(code, code)

        return label

    def label_names(self) -> dict[str, str]:
        """{code: label} in the active language."""
        return {choice.value: str(choice.label) for choice in self.labels}


def _blank(value):
    return "" if value is None else value


def _evidence_heading(stance: EvidenceStance) -> Promise:
    return format_lazy(_("Evidence: {stance}"), stance=stance.label)


# The first 21 are the historical columns, in their historical order (machines read them by
# position too); later ones are appended. Labels sit beside their codes, never instead of them.
EXPORT_COLUMN_DEFS = (
    ExportColumn("id", _("Claim number"), "id", width=8),
    ExportColumn("article_id", _("Article number"), "article_id", width=8),
    ExportColumn("article_title", _("Article title"), "article__title", width=40),
    ExportColumn("article_url", _("Article URL"), "article__url", width=30),
    ExportColumn("outlet", _("Outlet"), "article__outlet", width=16),
    ExportColumn("published", _("Publication date"), "published", width=11),
    ExportColumn("text", _("Claim as published"), "text", width=60),
    ExportColumn("wording", _("Wording"), "wording", width=40),
    ExportColumn("start", _("Start offset"), "start", width=8),
    ExportColumn("end", _("End offset"), "end", width=8),
    ExportColumn("score", _("Score"), "score", width=7),
    ExportColumn("claimant", _("Claimant"), "claimant", width=24),
    ExportColumn("types", _("Claim types (codes)"), "types", width=16),
    ExportColumn("status", _("Status (code)"), "status", width=12),
    ExportColumn("assignee", _("Checker (username)"), "assignee", width=14),
    ExportColumn("due_date", _("Due date"), "due_date", width=11, blank=True),
    ExportColumn("rating", _("Rating (code)"), "rating", width=13),
    ExportColumn("verdict_summary", _("Verdict summary"), "verdict_summary", width=50),
    ExportColumn("approved", _("Approved"), "approved", width=9),
    ExportColumn("created_at", _("Created"), "created_at", width=17, local_time=True),
    ExportColumn("updated_at", _("Updated"), "updated_at", width=17, local_time=True),
    ExportColumn("status_label", _("Status"), "status", labels=ClaimStatus, width=14),
    ExportColumn("rating_label", _("Rating"), "rating", labels=Rating, width=14),
    ExportColumn("types_label", _("Claim types"), "types", labels=ClaimType, width=24),
    ExportColumn("assignee_name", _("Checker"), "assignee_name", width=20),
    ExportColumn("evidence_supports", _evidence_heading(EvidenceStance.SUPPORTS), "supports", width=10),
    ExportColumn("evidence_refutes", _evidence_heading(EvidenceStance.REFUTES), "refutes", width=10),
    ExportColumn("evidence_context", _evidence_heading(EvidenceStance.CONTEXT), "context", width=10),
    # The claim's tags by name (a JSON list, sorted by code point: the same in the COPY).
    ExportColumn("tags", _("Tags"), "tags", width=24),
)
EXPORT_COLUMNS = [column.key for column in EXPORT_COLUMN_DEFS]
EXPORT_CHUNK = 2000

# What a record is read from: the claim's row (joined to its article); the rest is looked up per chunk.
FETCHED = (
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
    "assignee_id",
    "due_date",
    "created_at",
    "updated_at",
)
LOOKED_UP = (
    "rating",
    "verdict_summary",
    "supports",
    "refutes",
    "context",
    "assignee",
    "assignee_name",
    "published",
    "approved",
    "tags",
)
_AT = {name: place for place, name in enumerate(FETCHED + LOOKED_UP)}  # a record's fields


def export_queryset(filters: dict) -> QuerySet:
    """Claims matching an export's filters as the job stores them ("checker": the assignee's username), by id."""
    keys = {"status", "rating", "article", "checker", "date_from", "date_to", "tag"}
    given = {("assignee" if k == "checker" else k): v for k, v in filters.items() if k in keys}
    return Claim.objects.filtered(**given).order_by("id")


def export_headings(language: str) -> list[str]:
    """The spreadsheet's header row, in `language`; times say which zone they are in."""
    with translation.override(language):
        return [
            f"{column.heading} ({settings.TIME_ZONE})" if column.local_time else str(column.heading)
            for column in EXPORT_COLUMN_DEFS
        ]


def export_rows(claims: QuerySet, language: str | None = None) -> Iterator[list]:
    """One list of values per claim, in the order of EXPORT_COLUMN_DEFS, streamed: tuples from the
    database, and per chunk of claims one query for their current verdicts, one for their evidence and
    one for checkers not seen yet. Labels are in `language` (by default the active one)."""
    pick = itemgetter(*(_AT[column.source] for column in EXPORT_COLUMN_DEFS))
    with translation.override(language or translation.get_language()):
        transforms = [(place, column.transform()) for place, column in enumerate(EXPORT_COLUMN_DEFS)]
    return _rows(claims, pick, [(place, transform) for place, transform in transforms if transform])


def export_lines(
    format: str,
    claims: QuerySet,
    *,
    language: str | None = None,
    bom: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """A CSV or JSON Lines export of `claims` (from export_queryset), in pieces of whole rows.

    The one place the way is chosen: on PostgreSQL a CSV comes from a COPY (claims/export_copy.py), the
    same bytes several times faster; otherwise from `export_rows`. `progress(rows)`: told the number of
    rows written so far, now and then and at the end, at moments the database is free to use."""
    if format == ExportFormat.CSV and csv_by_copy(connection):
        from claims.export_copy import copy_csv_lines

        return copy_csv_lines(claims, language=language, bom=bom, progress=progress)
    rows = export_rows(claims, language=language)
    if progress is not None:
        rows = told(rows, progress)
    if format == ExportFormat.CSV:
        return csv_lines(EXPORT_COLUMNS, rows, bom=bom)
    return jsonl_lines(EXPORT_COLUMNS, rows)


def csv_by_copy(db) -> bool:
    """Whether a CSV export from `db` (a connection) is a COPY: PostgreSQL's."""
    return db.vendor == "postgresql"


def told(rows, progress: Callable[[int], None]) -> Iterator:
    """`rows`, telling `progress` how many have been taken so far (0 if none)."""
    done = 0
    for done, row in enumerate(rows, start=1):
        progress(done)
        yield row
    if not done:
        progress(0)


def export_xlsx(out, rows, *, language: str) -> None:
    """A spreadsheet of `export_rows` written to `out` (a path or a binary file), in constant memory."""
    with translation.override(language):
        title = str(_("Claims"))
    xlsx_write(
        out,
        headings=export_headings(language),
        rows=rows,
        widths=[column.width for column in EXPORT_COLUMN_DEFS],
        tz=timezone.get_default_timezone(),
        title=title,
    )


def _rows(claims: QuerySet, pick: itemgetter, transforms: list) -> Iterator[list]:
    values = claims.values_list(*FETCHED).iterator(chunk_size=EXPORT_CHUNK)
    people: dict[int, tuple[str, str]] = {}
    while chunk := list(itertools.islice(values, EXPORT_CHUNK)):
        ids = [row[0] for row in chunk]
        verdicts = Verdict.objects.current_values_by_claim(ids, "rating", "summary")
        evidence = _evidence_by_claim(ids)
        tags = _tags_by_claim(ids)
        _add_people(people, {row[_AT["assignee_id"]] for row in chunk})
        for row in chunk:
            cells = list(pick(_record(row, verdicts, evidence, people, tags)))  # one C call for every column
            for place, transform in transforms:
                cells[place] = transform(cells[place])
            yield cells


def _record(row: tuple, verdicts: dict, evidence: dict, people: dict, tags: dict) -> tuple:
    """The claim's row followed by the values of LOOKED_UP, in its order (a tuple: a dict per row
    would cost a tenth of the export)."""
    return (
        row
        + verdicts.get(row[0], ("", ""))
        + evidence.get(row[0], (0, 0, 0))
        + people.get(row[_AT["assignee_id"]], ("", ""))
        + (
            published_display(row[_AT["article__published_on"]], row[_AT["article__published_precision"]]),
            row[_AT["status"]] == ClaimStatus.APPROVED,
            tags.get(row[0], []),
        )
    )


_STANCES = {stance: place for place, stance in enumerate(EvidenceStance)}


def _evidence_by_claim(claim_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """{claim id: [supporting, refuting, context]} counts of evidence, in one query.

    `claim_ids` are ascending: their range is asked for, not the list (Django prepares each value of an
    IN list: a fifth of the export's time), and claims of the range that are not exported are skipped;
    successive chunks have disjoint ranges, so no evidence row is read twice."""
    wanted, counts = set(claim_ids), {}
    rows = (
        Evidence.objects.filter(claim_id__gte=claim_ids[0], claim_id__lte=claim_ids[-1])
        .values_list("claim_id", "stance")
        .annotate(n=Count("id"))
        .order_by()
    )
    for claim_id, stance, n in rows:
        if claim_id in wanted and stance in _STANCES:
            counts.setdefault(claim_id, [0, 0, 0])[_STANCES[stance]] = n
    return {claim_id: tuple(n) for claim_id, n in counts.items()}


def _tags_by_claim(claim_ids: list[int]) -> dict[int, list[str]]:
    """{claim id: its tags' names, sorted}, in one query over the chunk's range of ids (as _evidence_by_claim)."""
    wanted, names = set(claim_ids), {}
    rows = ClaimTag.objects.filter(claim_id__gte=claim_ids[0], claim_id__lte=claim_ids[-1]).values_list(
        "claim_id", "tag__name"
    )
    for claim_id, name in rows:
        if claim_id in wanted:
            names.setdefault(claim_id, []).append(name)
    return {claim_id: sorted(found) for claim_id, found in names.items()}


def _add_people(people: dict, ids: set) -> None:
    """Username and name of the checkers not met yet (a desk has few: mostly no query at all)."""
    missing = ids - people.keys() - {None}
    if missing:
        for user in get_user_model().objects.filter(pk__in=missing):
            people[user.pk] = person(user)


def person(user) -> tuple[str, str]:
    """A checker as the export shows them: username, and name for people."""
    return (user.get_username(), display_name(user))
