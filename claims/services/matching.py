"""Has this claim been checked before? Matching new claims, links people make, verdicts reused.

The matcher's index lives in the worker process: built once from the desk's claims and the
library of published fact-checks, then topped up with rows newer than the last it saw. A
suggestion an editor rejected is remembered and never suggested again.
"""

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.exporters import claimreview_reader
from claims.models import (
    Article,
    Claim,
    ClaimEmbedding,
    ClaimEvent,
    ClaimMatch,
    ClaimStatus,
    Evidence,
    EvidenceStance,
    FactCheck,
    FactCheckEmbedding,
    MatchStatus,
    NotificationKind,
    Verdict,
    WebhookEvent,
)
from claims.models.history import EventKind
from claims.nlp.language import detect_language
from claims.selectors import open_matches
from claims.services.history import event_record
from claims.services.notifications import notifications_create
from claims.services.transitions import claim_transition
from claims.services.webhooks import claim_data, webhook_emit

TOP = 5
MAX_LIBRARY_BYTES = 20_000_000
LIBRARY_SUFFIXES = frozenset({".json", ".jsonld", ".jsonl"})


class _DeskIndex:
    """One MatchIndex per process over claims ("c<id>") and fact-checks ("f<id>").

    Each refresh reads rows with an id above the highest seen, less LOOKBACK: ids are handed
    out before their transaction commits, so a row can become visible after a higher one.
    Embedding what has no stored vector yet (a library just imported, a desk from before the
    encoder) is bounded per refresh (FACTCHECK_MATCH_EMBED_SECONDS) and stored chunk by chunk:
    the rest enters the index on the next refresh, and a task stopped midway loses nothing.
    """

    LOOKBACK = 5_000
    CHUNK = 256

    def __init__(self):
        self.lock = threading.Lock()
        self.index = None
        self.seen: dict[str, set[int]] = {"c": set(), "f": set()}

    def reset(self) -> None:
        from claims.nlp.matching import MatchIndex  # numpy, scipy, scikit-learn: the worker's, not the web's

        self.index = MatchIndex()
        self.seen = {"c": set(), "f": set()}

    def refreshed(self):
        with self.lock:
            if self.index is None:
                self.reset()
            claims = Claim.objects.exclude(status=ClaimStatus.DISMISSED)
            new = [
                (f"c{pk}", wording or text, lang)
                for pk, text, wording, lang in self._unseen("c", claims, "text", "wording", "article__language")
            ]
            checks = self._unseen("f", FactCheck.objects.all(), "claim_reviewed", "headline", "language")
            new += [(f"f{pk}", f"{claim}\n{headline}", lang) for pk, claim, headline, lang in checks]
            vectors = None
            if new and self.index.dense:
                vectors = _embeddings(new, self.CHUNK, settings.FACTCHECK_MATCH_EMBED_SECONDS)
                new = new[: len(vectors)]  # the rest waits for the next refresh
            if new:
                try:
                    self.index.add(new, vectors)
                except BaseException:  # a time limit inside `add` leaves it half-grown: rebuild next time
                    self.index = None
                    raise
                for doc_id, _text, _lang in new:
                    self.seen[doc_id[0]].add(int(doc_id[1:]))
            return self.index

    def _unseen(self, kind: str, rows, *fields) -> list[tuple]:
        """Rows in the look-back window not indexed yet: ids first (cheap), text only for the new ones."""
        seen = self.seen[kind]
        window = rows.filter(pk__gt=max(seen, default=0) - self.LOOKBACK).values_list("pk", flat=True)
        new_ids = [pk for pk in window if pk not in seen]
        if not new_ids:
            return []
        return list(rows.filter(pk__in=new_ids).order_by("pk").values_list("pk", *fields))


def _embeddings(documents: list[tuple[str, str, str]], chunk: int, seconds: float):
    """The vectors of the documents, in order: stored ones read back, the others embedded and stored.

    Embedding goes `chunk` documents at a time, each chunk stored as it is done, and stops
    starting new chunks after `seconds`: the rows returned are for the first documents only.
    """
    import numpy as np

    from claims.nlp import encoder
    from claims.nlp.matching import DENSE_CHARS, embed_documents

    name = f"{encoder.NAME}/passage/{DENSE_CHARS}"
    stores = {"c": (ClaimEmbedding, "claim_id"), "f": (FactCheckEmbedding, "fact_check_id")}
    found: dict[str, bytes] = {}

    def read_stored(doc_ids) -> None:
        for kind, (model, _key) in stores.items():
            keys = [int(doc_id[1:]) for doc_id in doc_ids if doc_id[0] == kind]
            for start in range(0, len(keys), 5_000):  # SQLite allows a bounded number of query parameters
                stored = model.objects.vectors(name, keys[start : start + 5_000])
                found.update((f"{kind}{pk}", bytes(vector)) for pk, vector in stored.items())

    read_stored([doc_id for doc_id, _text, _lang in documents])
    missing = [(doc_id, text) for doc_id, text, _lang in documents if doc_id not in found]
    started = time.monotonic()
    for start in range(0, len(missing), chunk):
        if start and time.monotonic() - started > seconds:
            documents = documents[: next(n for n, (doc_id, *_rest) in enumerate(documents) if doc_id not in found)]
            break
        if start:  # another worker child may have stored these meanwhile
            read_stored([doc_id for doc_id, _text in missing[start : start + chunk]])
        part = [(doc_id, text) for doc_id, text in missing[start : start + chunk] if doc_id not in found]
        if not part:
            continue
        vectors = embed_documents([text for _id, text in part])
        rows = {kind: [] for kind in stores}
        for (doc_id, _text), vector in zip(part, vectors, strict=True):
            found[doc_id] = vector.astype("<f4").tobytes()
            model, key = stores[doc_id[0]]
            rows[doc_id[0]].append(model(**{key: int(doc_id[1:])}, encoder=name, vector=found[doc_id]))
        for kind, (model, _key) in stores.items():
            # A row deleted meanwhile, or stored by another worker first, is skipped.
            model.objects.bulk_create(rows[kind], ignore_conflicts=True, batch_size=1_000)
    if not documents:
        return np.zeros((0, encoder.DIM), dtype=np.float32)
    return np.stack([np.frombuffer(found[doc_id], dtype="<f4") for doc_id, _text, _lang in documents])


_desk_index = _DeskIndex()


def matching_index_reset() -> None:
    """Forget the process's index (tests; a restore of the database)."""
    _desk_index.reset()


@dataclass
class MatchResult:
    suggested: int = 0
    confirmed: int = 0
    claims: list[int] = field(default_factory=list)


def article_match(*, article_id: int, again: bool = True) -> MatchResult:
    """Match every open claim of the article; idempotent (a repeated run updates the same rows)."""
    article = Article.objects.filter(pk=article_id).only("pk", "language").first()  # not its body
    result = MatchResult()
    if article is None:
        return result
    index = _desk_index.refreshed()
    every = list(article.claims.all())
    claims = [claim for claim in every if claim.status != ClaimStatus.DISMISSED]
    own = {f"c{claim.pk}" for claim in every}
    texts = [claim.display_text for claim in claims]
    vectors = None
    if index.dense and texts:
        from claims.nlp.matching import embed_queries

        vectors = embed_queries(texts)
    for _pass in range(3):  # claims deleted since they were indexed are retired, and their places go to others
        found, gone = _still_on_the_desk(index.search_many(texts, article.language, TOP, exclude=own, vectors=vectors))
        if not gone:
            break
        index.retire(gone)
    wanted = {
        (claim, match.doc_id): match
        for claim, matches in zip(claims, found, strict=True)
        for match in matches
        if match.score >= settings.FACTCHECK_MATCH_SUGGEST
    }
    if not wanted:
        return result
    try:
        with transaction.atomic():
            # After a re-extraction of this article that is storing (it holds this row): the same order
            # of locks as its store, claims then match rows, so the two never wait on each other.
            list(Article.objects.select_for_update(no_key=True).filter(pk=article_id).values_list("pk"))
            existing = {
                (row.claim_id, f"c{row.earlier_claim_id}" if row.earlier_claim_id else f"f{row.fact_check_id}"): row
                for row in ClaimMatch.objects.select_for_update().filter(claim__in=claims)
            }
            new = []
            for (claim, doc_id), match in wanted.items():
                row = existing.get((claim.pk, doc_id))
                if row is None:
                    new.append(_match_row(claim, match, article.language))
                elif row.decided_by_id is None and row.status != MatchStatus.REJECTED and row.score != match.score:
                    ClaimMatch.objects.filter(pk=row.pk).update(score=match.score, reasons=list(match.reasons))
            created = _create_matches(new)
            _record_links([row for row in created if row.status == MatchStatus.CONFIRMED])
            _emit_matched(claims, created)
    except IntegrityError:
        # A claim or a target deleted between the search and the commit (a re-extraction committed
        # meanwhile; foreign keys are checked at commit): once more, from what is there now.
        if not again:
            raise
        return article_match(article_id=article_id, again=False)
    result.confirmed = sum(row.status == MatchStatus.CONFIRMED for row in created)
    result.suggested = len(created) - result.confirmed
    result.claims = sorted({claim.pk for claim, _doc_id in wanted})
    return result


def _still_on_the_desk(found: list[list]) -> tuple[list[list], set[str]]:
    """The matches whose claim or fact-check is still there and not a dismissed claim; and the ids gone.

    The process's index only grows: a claim that re-extraction replaced, or whose article was
    deleted, stays in it until it is retired, and one dismissed after it was indexed too. A
    match row pointing at a deleted claim would fail the whole task at commit.
    """
    wanted = {"c": set(), "f": set()}
    for matches in found:
        for match in matches:
            wanted[match.doc_id[0]].add(int(match.doc_id[1:]))
    if not wanted["c"] and not wanted["f"]:
        return found, set()
    there, live = set(), set()
    if wanted["c"]:
        for pk, status in Claim.objects.filter(pk__in=wanted["c"]).values_list("pk", "status"):
            there.add(f"c{pk}")
            if status != ClaimStatus.DISMISSED:
                live.add(f"c{pk}")
    if wanted["f"]:
        checks = {f"f{pk}" for pk in FactCheck.objects.filter(pk__in=wanted["f"]).values_list("pk", flat=True)}
        there |= checks
        live |= checks
    gone = {f"{kind}{pk}" for kind, ids in wanted.items() for pk in ids} - there
    return [[match for match in matches if match.doc_id in live] for matches in found], gone


def _match_row(claim: Claim, match, language: str) -> ClaimMatch:
    """A new match row; linked without asking only above the confirm threshold and in the claim's language.

    Across languages only the embeddings and shared figures and names speak (no cross-language
    pairs to train on), so such a match is always left for a person to confirm.
    """
    kind, pk = match.doc_id[0], int(match.doc_id[1:])
    confirmed = match.score >= settings.FACTCHECK_MATCH_CONFIRM and match.language == language
    return ClaimMatch(
        claim=claim,
        earlier_claim_id=pk if kind == "c" else None,
        fact_check_id=pk if kind == "f" else None,
        score=match.score,
        reasons=list(match.reasons),
        status=MatchStatus.CONFIRMED if confirmed else MatchStatus.SUGGESTED,
    )


def _create_matches(rows: list[ClaimMatch]) -> list[ClaimMatch]:
    """Insert in one statement; if a target vanished or another worker wrote a row first, row by row."""
    try:
        with transaction.atomic():
            return ClaimMatch.objects.bulk_create(rows)
    except IntegrityError:
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
                created.append(row)
            except IntegrityError:
                continue
        return created


def _record_links(rows: list[ClaimMatch]) -> None:
    """History of the links the matcher made on its own, so an editor sees (and can undo) them."""
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim_id=row.claim_id,
            kind=EventKind.LINKED,
            message=_("Linked automatically to an earlier check (similarity %(score).2f).") % {"score": row.score},
            changes={"match": row.pk, **_target_change(row)},
        )
        for row in rows
    )


def _emit_matched(claims: list[Claim], created: list[ClaimMatch]) -> None:
    """One claim.matched event per claim that the matcher found new matches for."""
    by_claim = {claim.pk: claim for claim in claims}
    found: dict[int, list[dict]] = {}
    for row in created:
        found.setdefault(row.claim_id, []).append(
            {"id": row.pk, "status": row.status, "score": round(row.score, 4), **_target_change(row)}
        )
    for claim_id, matches in found.items():
        webhook_emit(
            event=WebhookEvent.CLAIM_MATCHED, data={"claim": claim_data(by_claim[claim_id]), "matches": matches}
        )


def _target_change(match: ClaimMatch) -> dict:
    return {"earlier_claim": match.earlier_claim_id} if match.earlier_claim_id else {"fact_check": match.fact_check_id}


def match_confirm(*, match: ClaimMatch, actor) -> ClaimMatch:
    """An editor agrees: the claims state the same thing."""
    _check_can_link(actor)
    if match.status == MatchStatus.CONFIRMED:
        return match
    with transaction.atomic():
        match.status, match.decided_by = MatchStatus.CONFIRMED, actor
        match.save(update_fields=["status", "decided_by", "updated_at"])
        event_record(
            claim=match.claim, actor=actor, kind=EventKind.LINKED, changes={"match": match.pk, **_target_change(match)}
        )
    return match


def match_reject(*, match: ClaimMatch, actor, reason: str = "") -> ClaimMatch:
    """Unlink (or turn down a suggestion): remembered, so the matcher will not suggest it again."""
    _check_can_link(actor)
    if match.status == MatchStatus.REJECTED:
        return match
    with transaction.atomic():
        was = match.status
        match.status, match.decided_by = MatchStatus.REJECTED, actor
        match.save(update_fields=["status", "decided_by", "updated_at"])
        if was == MatchStatus.CONFIRMED:
            event_record(
                claim=match.claim,
                actor=actor,
                kind=EventKind.UNLINKED,
                message=reason,
                changes={"match": match.pk, **_target_change(match)},
            )
    return match


def claim_link(
    *, claim: Claim, actor, earlier_claim: Claim | None = None, fact_check: FactCheck | None = None
) -> ClaimMatch:
    """Link by hand to an earlier claim or a published fact-check (exactly one)."""
    _check_can_link(actor)
    if (earlier_claim is None) == (fact_check is None):
        raise workflow.WorkflowError(_("Link to one earlier claim or one published fact-check."))
    if earlier_claim is not None and earlier_claim.pk == claim.pk:
        raise workflow.WorkflowError(_("A claim cannot be linked to itself."))
    target = {"earlier_claim": earlier_claim} if earlier_claim is not None else {"fact_check": fact_check}
    with transaction.atomic():
        match, _created = ClaimMatch.objects.update_or_create(
            claim=claim, **target, defaults={"status": MatchStatus.CONFIRMED, "decided_by": actor}
        )
        event_record(
            claim=claim, actor=actor, kind=EventKind.LINKED, changes={"match": match.pk, **_target_change(match)}
        )
    return match


def _check_can_link(actor) -> None:
    if not workflow.is_editor(actor):
        raise workflow.NotAllowed(_("Only editors can link or unlink claims."))


@dataclass(frozen=True)
class EarlierVerdict:
    rating: str
    summary: str
    source: str  # for the rationale and the history: where the verdict comes from
    url: str


def earlier_verdict(match: ClaimMatch) -> EarlierVerdict | None:
    """The approved verdict of the earlier claim, or the published fact-check's rating; None if neither."""
    if match.fact_check_id:
        check = match.fact_check
        if not check.rating:
            return None
        summary = check.headline or check.claim_reviewed
        return EarlierVerdict(check.rating, summary, check.publisher or check.url, check.url)
    verdict = match.approved_verdict
    if verdict is None:
        return None
    earlier = match.earlier_claim
    return EarlierVerdict(
        verdict.rating, verdict.summary, _("claim #%(id)s") % {"id": earlier.pk}, earlier.get_absolute_url()
    )


def verdict_reuse(*, match: ClaimMatch, actor) -> Verdict:
    """Propose the earlier verdict for this claim: submitted for review like any verdict (four eyes apply)."""
    claim = match.claim
    if match.status == MatchStatus.REJECTED:
        raise workflow.WorkflowError(_("This match was turned down; link the claims again first."))
    earlier = earlier_verdict(match)
    if earlier is None:
        raise workflow.WorkflowError(_("The earlier check has no approved verdict to reuse."))
    rationale = _("Reused from %(source)s: %(url)s") % {"source": earlier.source, "url": earlier.url}
    with transaction.atomic():
        if match.status != MatchStatus.CONFIRMED:
            match_confirm(match=match, actor=actor)
        if claim.status == ClaimStatus.DETECTED:
            claim_transition(claim=claim, actor=actor, action="keep")  # reusing a verdict keeps the claim
        # The editor who applies it answers for it until review, like a checker for their verdict.
        claim_transition(claim=claim, actor=actor, action="reuse", assignee=actor, service="verdict_reuse")
        verdict = Verdict.objects.create(
            claim=claim,
            author=actor,
            rating=earlier.rating,
            summary=earlier.summary,
            rationale=rationale,
            submitted_at=timezone.now(),
        )
        if earlier.url.startswith("http"):
            Evidence.objects.create(
                claim=claim,
                url=earlier.url,
                title=str(earlier.source)[:500],
                stance=EvidenceStance.CONTEXT,
                note=rationale,
                added_by=actor,
            )
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.VERDICT,
            message=earlier.summary,
            changes={"rating": earlier.rating, "verdict": verdict.pk, "reused_from": _target_change(match)},
        )
        notifications_create(
            claim=claim,
            actor=actor,
            kind=NotificationKind.REVIEW_REQUESTED,
            recipients=workflow.reviewers_of(verdict=verdict),
        )
    return verdict


@dataclass
class LibraryImport:
    created: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)


def factchecks_import(*, data: bytes, actor=None) -> LibraryImport:
    """Add published fact-checks from ClaimReview JSON-LD; the same review imported again is updated.

    A file that cannot be read raises ClaimReviewError and saves nothing; reviews that cannot be
    read inside a readable file are listed in `problems` and skipped.
    """
    if actor is not None and not workflow.is_editor(actor):
        raise workflow.NotAllowed(_("Only editors can import fact-checks."))
    if len(data) > MAX_LIBRARY_BYTES:
        raise claimreview_reader.ClaimReviewError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it.")
            % {"size": round(len(data) / 1e6, 1), "limit": MAX_LIBRARY_BYTES // 1_000_000}
        )
    checks, problems = claimreview_reader.read(data)
    result = LibraryImport(problems=problems)
    with transaction.atomic():
        for check in checks:
            fields = {**check.__dict__, "imported_by": actor}
            if fields["language"] == "other":
                fields["language"] = detect_language(check.claim_reviewed)
            fingerprint = FactCheck.fingerprint_of(check.url, check.claim_reviewed)
            row = FactCheck.objects.filter(fingerprint=fingerprint).first() or FactCheck()
            created = row.pk is None
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
            result.created += created
            result.updated += not created
    return result


def matches_for_claim(claim: Claim) -> list[ClaimMatch]:
    """Suggested and linked matches, best first, each with the verdict it could lend (`match.earlier`)."""
    matches = list(open_matches().filter(claim=claim))
    for match in matches:
        match.earlier = earlier_verdict(match)
    return matches
