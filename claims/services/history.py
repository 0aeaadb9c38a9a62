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
    return ClaimEvent.objects.create(
        claim=claim,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        message=message,
        changes=changes or {},
        from_status=from_status,
        to_status=to_status,
    )
