"""A checker's work (evidence, comments, verdicts) and the second person's review."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import (
    BlindRating,
    Claim,
    ClaimStatus,
    Comment,
    Evidence,
    NotificationKind,
    Rating,
    Review,
    ReviewDecision,
    Verdict,
    WebhookEvent,
)
from claims.models.history import EventKind
from claims.services.history import event_record
from claims.services.notifications import mentioned_people, notifications_create
from claims.services.transitions import claim_transition
from claims.services.webhooks import claim_data, webhook_emit


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
        notifications_create(
            claim=claim,
            actor=actor,
            kind=NotificationKind.MENTIONED,
            recipients=mentioned_people(comment.body),
            message=comment.body,
        )
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
        claim_transition(claim=claim, actor=actor, action="submit", service="verdict_submit")
        verdict.submitted_at = timezone.now()
        verdict.save(update_fields=["submitted_at", "updated_at"])
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.VERDICT,
            message=summary,
            changes={"rating": rating, "verdict": verdict.pk},
        )
        # Nothing of the verdict itself: its reviewers are blind to it until they rate it.
        notifications_create(
            claim=claim,
            actor=actor,
            kind=NotificationKind.REVIEW_REQUESTED,
            recipients=workflow.reviewers_of(verdict=verdict),
        )
    return verdict


def blind_rating_record(*, claim: Claim, actor, rating: str = "") -> BlindRating:
    """The reviewer's own rating of the claim before seeing the proposed one; an empty rating skips it."""
    verdict = workflow.current_verdict(claim)
    workflow.check_can_rate_blind(claim=claim, user=actor, verdict=verdict)
    if rating and rating not in Rating.values:
        raise workflow.WorkflowError(_("Choose a rating from the list."))
    with transaction.atomic():
        blind = BlindRating.objects.create(verdict=verdict, reviewer=actor, rating=rating)
        # The history says that it happened, never what the rating was: others are still blind.
        event_record(claim=claim, actor=actor, kind=EventKind.BLIND_RATING, changes={"skipped": not rating})
    return blind


def review_submit(*, claim: Claim, actor, decision: str, comment: str = "") -> Review:
    """Approve or send back the verdict under review (never one's own, never before the blind step)."""
    if decision not in ReviewDecision.values:
        raise workflow.WorkflowError(_("Approve the verdict or send it back."))
    verdict = workflow.current_verdict(claim)
    action = "approve" if decision == ReviewDecision.APPROVE else "send_back"
    with transaction.atomic():
        claim_transition(
            claim=claim, actor=actor, action=action, comment=comment, service="review_submit", verdict=verdict
        )
        review = Review.objects.create(verdict=verdict, reviewer=actor, decision=decision, comment=comment)
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.REVIEW,
            message=comment,
            changes={"decision": decision, "verdict": verdict.pk},
        )
        notifications_create(
            claim=claim,
            actor=actor,
            kind=NotificationKind.APPROVED if decision == ReviewDecision.APPROVE else NotificationKind.SENT_BACK,
            recipients=[verdict.author],
            message=comment,
        )
        if decision == ReviewDecision.APPROVE:
            webhook_emit(
                event=WebhookEvent.VERDICT_APPROVED,
                data={
                    "claim": claim_data(claim),
                    "verdict": {"id": verdict.pk, "rating": verdict.rating, "summary": verdict.summary},
                    "reviewer": actor.get_username(),
                },
            )
    return review


def _start_if_assigned(claim: Claim, actor) -> None:
    # Working on an assigned claim starts it: the checker need not click "start" first.
    if claim.status == ClaimStatus.ASSIGNED:
        claim_transition(claim=claim, actor=actor, action="start")
