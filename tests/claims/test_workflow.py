"""Every allowed transition, and a sample of the forbidden ones, through the services."""

import pytest

from claims import workflow
from claims.models import ClaimStatus
from claims.services.assignment import claim_assign
from claims.services.transitions import claim_transition
from claims.services.verification import blind_rating_record, review_submit, verdict_submit
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def _claim(status, assignee=None):
    return ClaimFactory(status=status, **({"assignee": assignee} if assignee else {}))


def _status(claim):
    claim.refresh_from_db()
    return claim.status


@pytest.mark.parametrize(
    ("action", "source", "target"),
    [
        ("keep", ClaimStatus.DETECTED, ClaimStatus.TO_CHECK),
        ("dismiss", ClaimStatus.DETECTED, ClaimStatus.DISMISSED),
        ("restore", ClaimStatus.DISMISSED, ClaimStatus.TO_CHECK),
        ("unkeep", ClaimStatus.TO_CHECK, ClaimStatus.DETECTED),
        ("undismiss", ClaimStatus.DISMISSED, ClaimStatus.DETECTED),
    ],
)
def test_an_editor_can_triage(editor_user, action, source, target):
    claim = _claim(source)
    claim_transition(claim=claim, actor=editor_user, action=action)
    assert _status(claim) == target
    event = claim.events.get()
    assert (event.actor, event.from_status, event.to_status) == (editor_user, source, target)


def test_an_editor_assigns_a_claim_to_a_checker_who_gets_an_email(
    editor_user, checker_user, mailoutbox, django_capture_on_commit_callbacks
):
    claim = _claim(ClaimStatus.TO_CHECK)
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(claim=claim, actor=editor_user, assignee=checker_user, note="Vite")
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (ClaimStatus.ASSIGNED, checker_user)
    assert claim.assignments.get().assigned_by == editor_user
    assert [m.to for m in mailoutbox] == [[checker_user.email]]
    assert "Vite" in mailoutbox[0].body


def test_the_assigned_checker_starts_and_submits_a_verdict(checker_user):
    claim = _claim(ClaimStatus.ASSIGNED, assignee=checker_user)
    claim_transition(claim=claim, actor=checker_user, action="start")
    assert _status(claim) == ClaimStatus.IN_PROGRESS
    verdict_submit(claim=claim, actor=checker_user, rating="false", summary="C'est faux.")
    assert _status(claim) == ClaimStatus.IN_REVIEW


def _in_review(checker_user):
    claim = _claim(ClaimStatus.IN_PROGRESS, assignee=checker_user)
    verdict_submit(claim=claim, actor=checker_user, rating="false", summary="C'est faux.")
    return claim


def test_a_second_editor_approves_after_rating_blind(checker_user, editor_user):
    claim = _in_review(checker_user)
    blind_rating_record(claim=claim, actor=editor_user, rating="mostly_false")
    review_submit(claim=claim, actor=editor_user, decision="approve")
    assert _status(claim) == ClaimStatus.APPROVED


def test_a_reviewer_sends_back_with_a_comment(checker_user, editor_user):
    claim = _in_review(checker_user)
    blind_rating_record(claim=claim, actor=editor_user)  # skipped
    review_submit(claim=claim, actor=editor_user, decision="send_back", comment="Source manquante")
    assert _status(claim) == ClaimStatus.IN_PROGRESS


def test_an_editor_reopens_an_approved_claim_with_a_reason(checker_user, editor_user):
    claim = _in_review(checker_user)
    blind_rating_record(claim=claim, actor=editor_user)
    review_submit(claim=claim, actor=editor_user, decision="approve")
    claim_transition(claim=claim, actor=editor_user, action="reopen", comment="Nouvelle donnée")
    assert _status(claim) == ClaimStatus.IN_PROGRESS
    assert claim.events.latest("id").message == "Nouvelle donnée"


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("keep", ClaimStatus.ASSIGNED),
        ("approve", ClaimStatus.DETECTED),
        ("dismiss", ClaimStatus.APPROVED),
        ("submit", ClaimStatus.TO_CHECK),
        ("reopen", ClaimStatus.IN_REVIEW),
        ("restore", ClaimStatus.DETECTED),
    ],
)
def test_a_transition_from_the_wrong_status_is_refused_and_changes_nothing(editor_user, action, status):
    claim = _claim(status)
    with pytest.raises(workflow.WorkflowError):
        claim_transition(claim=claim, actor=editor_user, action=action, comment="x")
    assert _status(claim) == status
    assert not claim.events.exists()


def test_a_checker_cannot_triage(checker_user):
    claim = _claim(ClaimStatus.DETECTED)
    with pytest.raises(workflow.WorkflowError, match="role"):
        claim_transition(claim=claim, actor=checker_user, action="keep")
    assert _status(claim) == ClaimStatus.DETECTED


def test_a_checker_cannot_submit_a_verdict_on_a_claim_not_assigned_to_them(checker_user, other_checker):
    claim = _claim(ClaimStatus.IN_PROGRESS, assignee=other_checker)
    with pytest.raises(workflow.WorkflowError, match="assigned"):
        verdict_submit(claim=claim, actor=checker_user, rating="true", summary="Vrai")
    assert _status(claim) == ClaimStatus.IN_PROGRESS
    assert not claim.verdicts.exists()


def test_nobody_approves_their_own_verdict(editor_user):
    # An editor who is also a checker wrote the verdict: four eyes forbid approving it.
    from django.contrib.auth.models import Group

    editor_user.groups.add(Group.objects.get(name=workflow.CHECKER_GROUP))
    claim = _claim(ClaimStatus.IN_PROGRESS, assignee=editor_user)
    verdict_submit(claim=claim, actor=editor_user, rating="true", summary="Vrai")
    with pytest.raises(workflow.WorkflowError, match="other than its author"):
        review_submit(claim=claim, actor=editor_user, decision="approve")
    assert _status(claim) == ClaimStatus.IN_REVIEW


def test_sending_back_or_reopening_without_a_reason_is_refused(checker_user, editor_user):
    claim = _in_review(checker_user)
    with pytest.raises(workflow.WorkflowError, match="reason"):
        review_submit(claim=claim, actor=editor_user, decision="send_back", comment="  ")
    assert _status(claim) == ClaimStatus.IN_REVIEW
    assert not claim.verdicts.get().reviews.exists()


def test_assigning_to_someone_who_is_not_a_checker_is_refused(editor_user, second_editor):
    claim = _claim(ClaimStatus.TO_CHECK)
    with pytest.raises(workflow.WorkflowError, match="not a checker"):
        claim_assign(claim=claim, actor=editor_user, assignee=second_editor)
    assert _status(claim) == ClaimStatus.TO_CHECK
    assert not claim.assignments.exists()


def test_a_stale_claim_object_cannot_move_a_claim_someone_else_moved(editor_user):
    claim = _claim(ClaimStatus.DETECTED)
    stale = type(claim).objects.get(pk=claim.pk)
    claim_transition(claim=claim, actor=editor_user, action="dismiss")
    with pytest.raises(workflow.WorkflowError, match="meanwhile"):
        claim_transition(claim=stale, actor=editor_user, action="keep")
    assert _status(claim) == ClaimStatus.DISMISSED


def test_a_superuser_may_take_any_role_action(superuser):
    claim = _claim(ClaimStatus.DETECTED)
    claim_transition(claim=claim, actor=superuser, action="keep")
    assert _status(claim) == ClaimStatus.TO_CHECK
