"""The claim status machine and who may do what: the one place that knows it.

Every view, API endpoint and command asks this module before changing a claim.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Claim, ClaimStatus

EDITOR_GROUP = "Editor"
CHECKER_GROUP = "Checker"

# Group name -> codenames of claims-app permissions it carries.
ROLE_PERMISSIONS = {
    EDITOR_GROUP: [
        "manage_articles",
        "triage_claim",
        "assign_claim",
        "review_verdict",
        "reopen_claim",
        "export_reports",
        "view_article",
        "view_claim",
    ],
    CHECKER_GROUP: ["check_claim", "view_article", "view_claim"],
}


class WorkflowError(Exception):
    """An action the workflow refuses now (the claim's state forbids it); the message says why."""


class NotAllowed(WorkflowError):
    """This person may not do this (role, assignment, four eyes), whatever the claim's state."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: ClaimStatus
    target: ClaimStatus
    permission: str
    needs_comment: bool = False
    assignee_only: bool = False
    four_eyes: bool = False
    # Taken only inside a service that does the rest of the work (reusing a verdict creates one).
    service_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("keep", gettext_lazy("Keep"), ClaimStatus.DETECTED, ClaimStatus.TO_CHECK, "triage_claim"),
        Transition("dismiss", gettext_lazy("Dismiss"), ClaimStatus.DETECTED, ClaimStatus.DISMISSED, "triage_claim"),
        Transition("restore", gettext_lazy("Restore"), ClaimStatus.DISMISSED, ClaimStatus.TO_CHECK, "triage_claim"),
        Transition("assign", gettext_lazy("Assign"), ClaimStatus.TO_CHECK, ClaimStatus.ASSIGNED, "assign_claim"),
        Transition(
            "start",
            gettext_lazy("Start checking"),
            ClaimStatus.ASSIGNED,
            ClaimStatus.IN_PROGRESS,
            "check_claim",
            assignee_only=True,
        ),
        Transition(
            "submit",
            gettext_lazy("Submit for review"),
            ClaimStatus.IN_PROGRESS,
            ClaimStatus.IN_REVIEW,
            "check_claim",
            assignee_only=True,
        ),
        Transition(
            "send_back",
            gettext_lazy("Send back"),
            ClaimStatus.IN_REVIEW,
            ClaimStatus.IN_PROGRESS,
            "review_verdict",
            needs_comment=True,
            four_eyes=True,
        ),
        Transition(
            "approve",
            gettext_lazy("Approve"),
            ClaimStatus.IN_REVIEW,
            ClaimStatus.APPROVED,
            "review_verdict",
            four_eyes=True,
        ),
        Transition(
            "reuse",
            gettext_lazy("Apply the earlier verdict"),
            ClaimStatus.TO_CHECK,
            ClaimStatus.IN_REVIEW,
            "triage_claim",
            service_only=True,
        ),
        Transition(
            "reopen",
            gettext_lazy("Reopen"),
            ClaimStatus.APPROVED,
            ClaimStatus.IN_PROGRESS,
            "reopen_claim",
            needs_comment=True,
        ),
    ]
}

# Statuses in which a checker works on the claim (evidence, comments, draft verdict).
WORKING_STATUSES = (ClaimStatus.ASSIGNED, ClaimStatus.IN_PROGRESS)
REASSIGNABLE_STATUSES = (ClaimStatus.ASSIGNED, ClaimStatus.IN_PROGRESS)


def has_role(user, permission: str) -> bool:
    return user.is_authenticated and user.has_perm(f"claims.{permission}")


def is_desk_member(user) -> bool:
    """Anyone with a desk role (or a superuser) sees the desk; other accounts see nothing."""
    return has_role(user, "view_claim")


def is_editor(user) -> bool:
    return has_role(user, "triage_claim")


def is_checker(user) -> bool:
    return has_role(user, "check_claim")


def is_assignee(user, claim: Claim) -> bool:
    return user.is_authenticated and claim.assignee_id == user.pk


def check_transition(
    *, claim: Claim, user, action: str, comment: str = "", verdict_author_id=None, internal: bool = False
) -> Transition:
    """Return the transition if `user` may take `action` on `claim` now; raise WorkflowError if not."""
    transition = TRANSITIONS.get(action)
    if transition is None or (transition.service_only and not internal):
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    if claim.status != transition.source:
        raise WorkflowError(
            _("“%(action)s” is not possible: the claim is %(status)s, not %(source)s.")
            % {
                "action": transition.label,
                "status": claim.get_status_display().lower(),
                "source": transition.source.label.lower(),
            }
        )
    if not has_role(user, transition.permission):
        raise NotAllowed(_("You do not have the role to %(action)s this claim.") % {"action": transition.label.lower()})
    if transition.assignee_only and not is_assignee(user, claim):
        raise NotAllowed(_("Only the checker assigned to this claim can do that."))
    if transition.four_eyes and verdict_author_id == user.pk:
        raise NotAllowed(_("A verdict must be reviewed by someone other than its author."))
    if transition.needs_comment and not comment.strip():
        raise WorkflowError(_("Please give a reason: it is recorded in the claim's history."))
    return transition


def allowed_actions(*, claim: Claim, user, verdict_author_id=None) -> list[Transition]:
    """The transitions `user` could take on `claim` now (a comment is assumed where needed)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            allowed.append(
                check_transition(
                    claim=claim, user=user, action=action, comment="-", verdict_author_id=verdict_author_id
                )
            )
        except WorkflowError:
            continue
    return allowed


def check_can_work(*, claim: Claim, user) -> None:
    """Evidence and verdict drafts: the assigned checker, while the claim is being checked."""
    if not (has_role(user, "check_claim") and is_assignee(user, claim)):
        raise NotAllowed(_("Only the checker assigned to this claim can work on it."))
    if claim.status not in WORKING_STATUSES:
        raise WorkflowError(
            _("The claim is %(status)s: evidence and verdicts can no longer be changed.")
            % {"status": claim.get_status_display().lower()}
        )


def check_can_assign(*, claim: Claim, user, assignee=None) -> None:
    """May `user` assign `claim` now (to `assignee`, when given)?"""
    if not has_role(user, "assign_claim"):
        raise NotAllowed(_("Only editors can assign claims."))
    if claim.status not in (ClaimStatus.TO_CHECK, *REASSIGNABLE_STATUSES):
        raise WorkflowError(
            _("A claim that is %(status)s cannot be assigned; keep it for checking first.")
            % {"status": claim.get_status_display().lower()}
        )
    if assignee is not None and not (assignee.is_active and assignee.has_perm("claims.check_claim")):
        raise WorkflowError(_("%(user)s is not a checker.") % {"user": assignee.get_username()})


def check_can_edit_wording(*, claim: Claim, user) -> None:
    if not has_role(user, "triage_claim"):
        raise NotAllowed(_("Only editors can edit a claim's wording."))
    if claim.status in (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED):
        raise WorkflowError(_("The wording of a claim under review or approved cannot change."))


def check_can_view(*, claim: Claim, user) -> None:
    if not is_desk_member(user):
        raise NotAllowed(_("You have no role on this desk."))


def check_can_comment(*, claim: Claim, user) -> None:
    if not (is_editor(user) or is_assignee(user, claim)):
        raise NotAllowed(_("Only editors and the assigned checker can comment on this claim."))
