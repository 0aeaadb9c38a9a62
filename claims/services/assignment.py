import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import OPEN_STATUSES, Assignment, Claim, ClaimStatus, NotificationKind
from claims.models.history import EventKind
from claims.people import display_name
from claims.services.history import event_record
from claims.services.notifications import notifications_create
from claims.services.transitions import claim_transition


def checkers_by_load():
    """Active checkers, least open claims first (ties by username)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=workflow.CHECKER_GROUP)
        .annotate(open_claims=Count("assigned_claims", filter=Q(assigned_claims__status__in=OPEN_STATUSES)))
        .order_by("open_claims", "username")
    )


def claim_assign(*, claim: Claim, actor, assignee, due_date: dt.date | None = None, note: str = "") -> Assignment:
    """Assign (or reassign) a claim to a checker, record it, and tell the checker (in the app, and by email)."""
    workflow.check_can_assign(claim=claim, user=actor, assignee=assignee)
    with transaction.atomic():
        if claim.status == ClaimStatus.TO_CHECK:
            claim_transition(claim=claim, actor=actor, action="assign", assignee=assignee, service="claim_assign")
        previous = claim.assignee
        assignment = Assignment.objects.create(
            claim=claim, assignee=assignee, assigned_by=actor, due_date=due_date, note=note
        )
        Claim.objects.filter(pk=claim.pk).update(assignee=assignee, due_date=due_date)
        claim.assignee, claim.due_date = assignee, due_date
        event_record(
            claim=claim,
            actor=actor,
            kind=EventKind.ASSIGNED,
            message=note,
            changes={
                "assignee": [previous.get_username() if previous else None, assignee.get_username()],
                "due_date": due_date.isoformat() if due_date else None,
                "assignee_name": display_name(assignee),
            },
        )
        notifications_create(
            claim=claim, actor=actor, kind=NotificationKind.ASSIGNED, recipients=[assignee], message=note
        )
    return assignment


def claims_assign_least_loaded(*, claims: list[Claim], actor, due_date=None, note: str = "") -> list[Assignment]:
    """Each claim goes to whichever checker has the fewest open claims at that moment."""
    assignments = []
    with transaction.atomic():
        for claim in claims:
            checker = checkers_by_load().first()
            if checker is None:
                raise workflow.WorkflowError(_("There is no active checker to assign to."))
            assignments.append(claim_assign(claim=claim, actor=actor, assignee=checker, due_date=due_date, note=note))
    return assignments
