from django.shortcuts import render

from claims import workflow
from claims.services.verification import current_verdict
from claims.views.access import desk_required, get_claim_for_user


@desk_required
def claim_detail(request, pk: int):
    claim = get_claim_for_user(request, pk)
    verdict = current_verdict(claim)
    context = {
        "claim": claim,
        "events": claim.events.select_related("actor"),
        "evidence": claim.evidence.select_related("added_by"),
        "verdict": verdict,
        "actions": workflow.allowed_actions(
            claim=claim, user=request.user, verdict_author_id=verdict.author_id if verdict else None
        ),
    }
    return render(request, "claims/claim_detail.html", context)
