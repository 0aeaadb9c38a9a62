"""The claim status machine and who may do what: the one place that knows it.

Every view, API endpoint and command asks this module before changing a claim.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import BlindRating, Claim, ClaimStatus, Verdict
from claims.people import display_name

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


_UNSET = object()
_LISTING = "listing"  # allowed_actions(): what forms to show, whichever service takes the action


class WorkflowError(Exception):
    """An action the workflow refuses now (the claim's state forbids it); the message says why."""


class NotAllowed(WorkflowError):
    """This person may not do this (role, assignment, four eyes), whatever the claim's state."""


@dataclass(frozen=True)
class Transition:
    """One status change, with every guard it needs declared here (and checked by `check_transition`)."""

    action: str
    label: str
    source: ClaimStatus
    target: ClaimStatus
    permission: str
    needs_comment: bool = False  # a reason, recorded in the history
    needs_assignee: bool = False  # a checker to give the claim to
    needs_draft: bool = False  # the actor's own complete draft verdict
    needs_verdict: bool = False  # a submitted verdict (the current one)
    needs_blind_step: bool = False  # the reviewer rated the verdict blind, or chose to skip
    assignee_only: bool = False
    four_eyes: bool = False  # never by the current verdict's author
    # The service that takes this transition with the rest of its work (a review row, an
    # assignment, a verdict); the generic action URL serves only transitions without one.
    service: str = ""

    @property
    def generic(self) -> bool:
        """Taken by a bare status change: no further input, no other row to write."""
        return not (self.service or self.needs_comment)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("keep", gettext_lazy("Keep"), ClaimStatus.DETECTED, ClaimStatus.TO_CHECK, "triage_claim"),
        Transition("dismiss", gettext_lazy("Dismiss"), ClaimStatus.DETECTED, ClaimStatus.DISMISSED, "triage_claim"),
        Transition("restore", gettext_lazy("Restore"), ClaimStatus.DISMISSED, ClaimStatus.TO_CHECK, "triage_claim"),
        # Undo a triage decision taken by mistake (until the claim is assigned).
        Transition("unkeep", gettext_lazy("Undo keep"), ClaimStatus.TO_CHECK, ClaimStatus.DETECTED, "triage_claim"),
        Transition(
            "undismiss", gettext_lazy("Undo dismiss"), ClaimStatus.DISMISSED, ClaimStatus.DETECTED, "triage_claim"
        ),
        Transition(
            "assign",
            gettext_lazy("Assign"),
            ClaimStatus.TO_CHECK,
            ClaimStatus.ASSIGNED,
            "assign_claim",
            needs_assignee=True,
            service="claim_assign",
        ),
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
            needs_draft=True,
            service="verdict_submit",
        ),
        Transition(
            "send_back",
            gettext_lazy("Send back"),
            ClaimStatus.IN_REVIEW,
            ClaimStatus.IN_PROGRESS,
            "review_verdict",
            needs_comment=True,
            needs_verdict=True,
            needs_blind_step=True,
            four_eyes=True,
            service="review_submit",
        ),
        Transition(
            "approve",
            gettext_lazy("Approve"),
            ClaimStatus.IN_REVIEW,
            ClaimStatus.APPROVED,
            "review_verdict",
            needs_verdict=True,
            needs_blind_step=True,
            four_eyes=True,
            service="review_submit",
        ),
        Transition(
            "reuse",
            gettext_lazy("Apply the earlier verdict"),
            ClaimStatus.TO_CHECK,
            ClaimStatus.IN_REVIEW,
            "triage_claim",
            service="verdict_reuse",
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

# Bare status changes an editor makes while triaging (bulk forms, the triage API).
TRIAGE_ACTIONS = [a for a, t in TRANSITIONS.items() if t.generic and t.permission == "triage_claim"]

# Statuses in which a checker works on the claim (evidence, comments, draft verdict).
WORKING_STATUSES = (ClaimStatus.ASSIGNED, ClaimStatus.IN_PROGRESS)
REASSIGNABLE_STATUSES = (ClaimStatus.ASSIGNED, ClaimStatus.IN_PROGRESS)


def has_role(user, permission: str) -> bool:
    return user.is_authenticated and user.has_perm(f"claims.{permission}")


def is_desk_member(user) -> bool:
    """Anyone with a desk role (or a superuser) sees the desk; other accounts see nothing."""
    return has_role(user, "view_claim")


def is_editor(user) -> bool:
    """Triage, link and reuse earlier checks, add missed claims, import fact-checks."""
    return has_role(user, "triage_claim")


def can_submit_articles(user) -> bool:
    return has_role(user, "manage_articles")


def can_reextract(user) -> bool:
    """Extract an article's claims again, at the scorer's line or at the article's own (its claim
    threshold): the desk's editors, who decide how much of a text is triaged. Claims that carry the
    desk's work are kept whatever the entry point (`services.extraction.article_reextract`)."""
    return is_editor(user) and can_submit_articles(user)


def can_manage_feeds(user) -> bool:
    """Subscribe the desk to feeds, edit, pause, resume and poll them: the desk's editors, who choose its sources."""
    return is_editor(user) and can_submit_articles(user)


def can_review(user) -> bool:
    """Approve or send back verdicts (never one's own: see `may_review`)."""
    return has_role(user, "review_verdict")


def can_export(user) -> bool:
    """Reports, ClaimReview and exports."""
    return has_role(user, "export_reports")


def can_manage_webhooks(user) -> bool:
    """Register webhook endpoints, see their secrets and delivery logs: administrators only."""
    return user.is_authenticated and user.is_active and user.is_superuser


def can_use_two_factor(user) -> bool:
    """Editors and administrators may enrol a second factor (FACTCHECK_REQUIRE_2FA makes them)."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or is_editor(user))


def must_use_two_factor(user) -> bool:
    return settings.FACTCHECK_REQUIRE_2FA and can_use_two_factor(user)


def is_checker(user) -> bool:
    return has_role(user, "check_claim")


def is_assignee(user, claim: Claim) -> bool:
    return user.is_authenticated and claim.assignee_id == user.pk


@dataclass(frozen=True)
class Inputs:
    """What a person supplies with an action; guards about the claim's own rows read the database."""

    comment: str = ""
    assignee: object = None


# For listing what a person could do: their inputs are assumed given.
ANY_INPUT = Inputs(comment="-", assignee=True)


def check_transition(
    *, claim: Claim, user, action: str, inputs: Inputs = Inputs(), service: str = "", verdict=_UNSET
) -> Transition:
    """Return the transition if `user` may take `action` on `claim` now; raise WorkflowError if not.

    `service` names the caller when it is the service that does the transition's other work; a
    transition with a service is refused to anyone else (the generic action URL, bulk triage).
    `verdict` is the claim's current verdict when the caller already has it (else it is read here).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    if transition.service and service not in (transition.service, _LISTING):
        raise WorkflowError(_("“%(action)s” has its own form on the claim's page.") % {"action": transition.label})
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
    _check_inputs(transition, inputs)
    _check_verdict_guards(transition, claim, user, verdict)
    return transition


def _check_inputs(transition: Transition, inputs: Inputs) -> None:
    if transition.needs_comment and not inputs.comment.strip():
        raise WorkflowError(_("Please give a reason: it is recorded in the claim's history."))
    if transition.needs_assignee and not inputs.assignee:
        raise WorkflowError(_("Choose the checker to assign the claim to."))


def _check_verdict_guards(transition: Transition, claim: Claim, user, verdict) -> None:
    if transition.needs_draft and not _has_complete_draft(claim, user):
        raise WorkflowError(_("Write the verdict (a rating and a summary) before submitting it for review."))
    if not (transition.needs_verdict or transition.four_eyes or transition.needs_blind_step):
        return
    if verdict is _UNSET:
        verdict = current_verdict(claim)
    if verdict is None:
        raise WorkflowError(_("There is no verdict waiting for review on this claim."))
    if transition.four_eyes and verdict.author_id == user.pk:
        raise NotAllowed(_("A verdict must be reviewed by someone other than its author."))
    if transition.needs_blind_step and not has_rated_blind(verdict=verdict, user=user):
        raise WorkflowError(
            _("Record your own rating first (or choose to skip it): the proposed verdict is hidden until then.")
        )


def _has_complete_draft(claim: Claim, user) -> bool:
    drafts = Verdict.objects.filter(claim=claim, author_id=user.pk, submitted_at__isnull=True)
    return drafts.exclude(summary="").exists()


def current_verdict(claim: Claim) -> Verdict | None:
    """The claim's current verdict: its latest submitted one (see VerdictQuerySet)."""
    return Verdict.objects.current_for(claim)


def blind_rating_of(*, verdict: Verdict, user) -> BlindRating | None:
    """`user`'s blind rating of `verdict` (or None), read once per verdict object: a claim page asks
    it for the blind panel, the approve and send-back guards and the reviewer's own rating."""
    known = verdict.__dict__.setdefault("_blind_ratings_by_reviewer", {})
    if user.pk not in known:
        known[user.pk] = BlindRating.objects.filter(verdict=verdict, reviewer_id=user.pk).first()
    return known[user.pk]


def has_rated_blind(*, verdict: Verdict, user) -> bool:
    return blind_rating_of(verdict=verdict, user=user) is not None


def allowed_actions(*, claim: Claim, user, verdict=_UNSET) -> list[Transition]:
    """The transitions `user` could take on `claim` now, given the inputs each form asks for."""
    if verdict is _UNSET:
        verdict = current_verdict(claim)
    allowed = []
    for action in TRANSITIONS:
        try:
            allowed.append(
                check_transition(
                    claim=claim, user=user, action=action, inputs=ANY_INPUT, service=_LISTING, verdict=verdict
                )
            )
        except WorkflowError:
            continue
    return allowed


def may_review(*, claim: Claim, user, verdict) -> bool:
    """Is `user` a second person who may approve or send back `verdict` (blind step aside)?"""
    return (
        claim.status == ClaimStatus.IN_REVIEW
        and verdict is not None
        and can_review(user)
        and verdict.author_id != user.pk
    )


def reviewers_of(*, verdict: Verdict):
    """Everyone who may review `verdict` (see `may_review`): active people with the review role but its author."""
    people = get_user_model().objects.with_perm(
        "claims.review_verdict", is_active=True, backend="claims.backends.DeskBackend"
    )
    return people.exclude(pk=verdict.author_id)


def is_blind_to(*, claim: Claim, user, verdict) -> bool:
    """Must the proposed verdict stay hidden from `user`? Yes for a reviewer who has not rated it yet."""
    return may_review(claim=claim, user=user, verdict=verdict) and not has_rated_blind(verdict=verdict, user=user)


def check_can_rate_blind(*, claim: Claim, user, verdict) -> None:
    if not may_review(claim=claim, user=user, verdict=verdict):
        raise NotAllowed(_("Only a reviewer of this verdict (not its author) records a blind rating."))
    if has_rated_blind(verdict=verdict, user=user):
        raise WorkflowError(_("You have already recorded your rating for this verdict."))


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
        raise WorkflowError(_("%(user)s is not a checker.") % {"user": display_name(assignee)})


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


def can_tag(user) -> bool:
    """Create, rename and delete the desk's tags, and put them on claims and articles (also in bulk).
    Everyone on the desk sees them."""
    return has_role(user, "triage_claim")


def can_save_desk_searches(user) -> bool:
    """Save a list's filters for the whole desk, and rename or delete the desk's saved searches."""
    return has_role(user, "triage_claim")


def check_can_change_saved_search(*, saved, user) -> None:
    """One's own saved searches; the desk's ones for editors."""
    if saved.desk_wide:
        if not can_save_desk_searches(user):
            raise NotAllowed(_("Only editors can change the desk's saved searches."))
    elif saved.owner_id != user.pk:
        raise NotAllowed(_("This saved search is someone else's."))
