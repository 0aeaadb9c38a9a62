"""Status changes, checked by the workflow and applied with a conditional update."""

from django.db import transaction
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import Claim, ClaimOrigin, ClaimStatus, WebhookEvent
from claims.models.history import EventKind
from claims.services.history import event_record
from claims.services.webhooks import claim_data, webhook_emit


def claim_transition(
    *, claim: Claim, actor, action: str, comment: str = "", assignee=None, service: str = "", verdict=None
) -> Claim:
    """Move `claim` by `action`, or raise WorkflowError and change nothing.

    Only `service` (the name the workflow gives the service that does an action's other work)
    may take an action that has one; everyone else gets the bare status changes.
    """
    transition = workflow.check_transition(
        claim=claim,
        user=actor,
        action=action,
        inputs=workflow.Inputs(comment=comment, assignee=assignee),
        service=service,
        **({"verdict": verdict} if verdict is not None else {}),
    )
    fields = {"status": transition.target}
    if assignee is not None:
        fields["assignee"] = assignee
    with transaction.atomic():
        # Conditional: if someone moved the claim meanwhile, nothing changes.
        moved = Claim.objects.filter(pk=claim.pk, status=transition.source).update(**fields)
        if not moved:
            raise workflow.WorkflowError(_("Someone else changed this claim meanwhile. Reload the page."))
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.STATUS,
            from_status=transition.source,
            to_status=transition.target,
            message=comment,
            changes={"action": action},
        )
        claim.status = transition.target
        webhook_emit(
            event=WebhookEvent.CLAIM_STATUS_CHANGED,
            data={
                "claim": claim_data(claim),
                "from_status": transition.source,
                "to_status": transition.target,
                "action": action,
            },
        )
    if assignee is not None:
        claim.assignee = assignee
    return claim


def claims_triage(*, claims: list[Claim], actor, action: str) -> list[Claim]:
    """Keep or dismiss many claims at once: all of them, or none if one is refused."""
    if action not in workflow.TRIAGE_ACTIONS:
        raise workflow.WorkflowError(_("Triage keeps, dismisses or restores claims."))
    with transaction.atomic():
        return [claim_transition(claim=claim, actor=actor, action=action) for claim in claims]


def claim_edit_wording(*, claim: Claim, actor, wording: str) -> Claim:
    workflow.check_can_edit_wording(claim=claim, user=actor)
    wording = wording.strip()
    if wording == claim.text:
        wording = ""
    if wording == claim.wording:
        return claim
    with transaction.atomic():
        event_record(claim=claim, actor=actor, kind=EventKind.EDITED, changes={"wording": [claim.wording, wording]})
        claim.wording = wording
        claim.save(update_fields=["wording", "updated_at"])
    return claim


def claim_add_manual(*, article, actor, text: str, start: int | None = None) -> Claim:
    """A claim the extractor missed, selected by an editor: kept for checking, offsets exact."""
    if not workflow.is_editor(actor):
        raise workflow.NotAllowed(_("Only editors can add claims."))
    text = text.strip()
    if not text:
        raise workflow.WorkflowError(_("Select the claim's text in the article first."))
    body = article.body
    if start is None or body[start : start + len(text)] != text:
        start = body.find(text)
    if start < 0:
        raise workflow.WorkflowError(_("This text is not in the article. Select it in the article's text."))
    with transaction.atomic():
        claim = Claim.objects.create(
            article=article,
            text=text,
            start=start,
            end=start + len(text),
            origin=ClaimOrigin.MANUAL,
            status=ClaimStatus.TO_CHECK,
            created_by=actor,
        )
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.CREATED,
            to_status=ClaimStatus.TO_CHECK,
            changes={"start": claim.start, "end": claim.end},
        )
    return claim
