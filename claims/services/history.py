from claims.models import Claim, ClaimEvent
from claims.models.history import EventKind


def event_record(
    *,
    claim: Claim,
    actor,
    kind: EventKind,
    message: str = "",
    changes: dict | None = None,
    from_status: str = "",
    to_status: str = "",
) -> ClaimEvent:
    """Record what happened to `claim`; the claim's `updated_at` moves with its history."""
    event = ClaimEvent.objects.create(
        claim=claim,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        message=message,
        changes=changes or {},
        from_status=from_status,
        to_status=to_status,
    )
    Claim.objects.filter(pk=claim.pk).update(updated_at=event.created_at)
    claim.updated_at = event.created_at
    return event
