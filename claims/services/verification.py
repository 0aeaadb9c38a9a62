"""A checker's work (evidence, comments, verdicts) and the second person's review."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import Claim, ClaimStatus, Comment, Evidence, Review, ReviewDecision, Verdict
from claims.models.history import EventKind
from claims.services.history import event_record
from claims.services.transitions import claim_transition


def evidence_add(
    *, claim: Claim, actor, title: str, stance: str, url: str = "", excerpt: str = "", note: str = ""
) -> Evidence:
    workflow.check_can_work(claim=claim, user=actor)
    with transaction.atomic():
        _start_if_assigned(claim, actor)
        evidence = Evidence.objects.create(
            claim=claim, url=url, title=title, excerpt=excerpt, stance=stance, note=note, added_by=actor
        )
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.EVIDENCE,
            message=title,
            changes={"url": url, "stance": stance},
        )
    return evidence


def comment_add(*, claim: Claim, actor, body: str) -> Comment:
    workflow.check_can_comment(claim=claim, user=actor)
    if not body.strip():
        raise workflow.WorkflowError(_("A comment cannot be empty."))
    with transaction.atomic():
        comment = Comment.objects.create(claim=claim, author=actor, body=body.strip())
        event_record(claim=claim, actor=actor, kind=EventKind.COMMENT, message=comment.body)
    return comment


def verdict_save_draft(*, claim: Claim, actor, rating: str, summary: str, rationale: str = "") -> Verdict:
    """Save (or replace) the checker's draft; nothing is submitted."""
    workflow.check_can_work(claim=claim, user=actor)
    with transaction.atomic():
        _start_if_assigned(claim, actor)
        verdict, _created = Verdict.objects.update_or_create(
            claim=claim,
            author=actor,
            submitted_at__isnull=True,
            defaults={"rating": rating, "summary": summary, "rationale": rationale},
        )
    return verdict


def verdict_submit(*, claim: Claim, actor, rating: str, summary: str, rationale: str = "") -> Verdict:
    """Propose the verdict for review: the draft becomes the submitted verdict."""
    if not summary.strip():
        raise workflow.WorkflowError(_("A verdict needs a summary."))
    with transaction.atomic():
        verdict = verdict_save_draft(claim=claim, actor=actor, rating=rating, summary=summary, rationale=rationale)
        claim_transition(claim=claim, actor=actor, action="submit")
        verdict.submitted_at = timezone.now()
        verdict.save(update_fields=["submitted_at", "updated_at"])
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.VERDICT,
            message=summary,
            changes={"rating": rating, "verdict": verdict.pk},
        )
    return verdict


def review_submit(*, claim: Claim, actor, decision: str, comment: str = "", independent_rating: str = "") -> Review:
    """Approve or send back the verdict under review (never one's own)."""
    verdict = current_verdict(claim)
    if verdict is None or claim.status != ClaimStatus.IN_REVIEW:
        raise workflow.WorkflowError(_("There is no verdict waiting for review on this claim."))
    action = "approve" if decision == ReviewDecision.APPROVE else "send_back"
    with transaction.atomic():
        claim_transition(claim=claim, actor=actor, action=action, comment=comment, verdict_author_id=verdict.author_id)
        review = Review.objects.create(
            verdict=verdict,
            reviewer=actor,
            decision=decision,
            comment=comment,
            independent_rating=independent_rating,
        )
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.REVIEW,
            message=comment,
            changes={"decision": decision, "verdict": verdict.pk, "independent_rating": independent_rating},
        )
    return review


def current_verdict(claim: Claim) -> Verdict | None:
    """The latest submitted verdict of the claim."""
    return claim.verdicts.filter(submitted_at__isnull=False).order_by("-submitted_at", "-id").first()


def _start_if_assigned(claim: Claim, actor) -> None:
    # Working on an assigned claim starts it: the checker need not click "start" first.
    if claim.status == ClaimStatus.ASSIGNED:
        claim_transition(claim=claim, actor=actor, action="start")
