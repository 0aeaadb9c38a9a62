"""The desk's promises, through every door: four eyes, a verdict before review, an assignee,
a blind second rating. Each case reproduces a path that once broke one of them.
"""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from claims import selectors, workflow
from claims.models import BlindRating, Claim, ClaimStatus, Review, Verdict
from claims.services import verification
from claims.services.transitions import claim_transition
from tests.factories import ClaimFactory
from tests.helpers import require_postgresql

pytestmark = pytest.mark.django_db


def _in_review(author, **kwargs):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=author, **kwargs)
    verification.verdict_submit(claim=claim, actor=author, rating="mostly_true", summary="Proposé : plutôt vrai.")
    claim.refresh_from_db()
    return claim


@pytest.fixture
def editor_checker(editor_user):
    """One person with both roles: the four-eyes rule must hold against them."""
    from django.contrib.auth.models import Group

    editor_user.groups.add(Group.objects.get(name=workflow.CHECKER_GROUP))
    return editor_user


@pytest.mark.parametrize("action", ["approve", "send_back", "submit", "assign", "reuse", "reopen"])
def test_the_generic_action_url_serves_only_bare_status_changes(client, editor_checker, action):
    claim = _in_review(editor_checker)
    client.force_login(editor_checker)
    response = client.post(
        reverse("claims:claim-transition", args=[claim.pk, action]), {"comment": "Je valide moi-même"}
    )
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert not Review.objects.exists()


def test_case_1_nobody_approves_or_sends_back_their_own_verdict_by_any_door(client, editor_checker):
    claim = _in_review(editor_checker)
    client.force_login(editor_checker)
    for decision in ("approve", "send_back"):
        page = client.post(reverse("claims:claim-review", args=[claim.pk]), {"decision": decision, "comment": "x"})
        assert page.status_code in (403, 409)
    api = APIClient()
    api.force_authenticate(editor_checker)
    assert api.post(f"/api/claims/{claim.pk}/review/", {"decision": "approve"}, format="json").status_code == 403
    with pytest.raises(workflow.NotAllowed):
        claim_transition(claim=claim, actor=editor_checker, action="approve", service="review_submit")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert not Review.objects.exists()


def test_case_2_submitting_without_a_verdict_is_refused_everywhere(client, checker_user):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    client.force_login(checker_user)
    assert client.post(reverse("claims:claim-transition", args=[claim.pk, "submit"])).status_code == 404
    with translation.override("en"), pytest.raises(workflow.WorkflowError, match="Write the verdict"):
        claim_transition(claim=claim, actor=checker_user, action="submit", service="verdict_submit")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_PROGRESS


def test_case_2_approving_a_claim_in_review_without_a_submitted_verdict_is_refused(editor_user, checker_user):
    # Only a bug (or raw SQL) can put a claim in review without a verdict; approval still refuses it.
    claim = ClaimFactory(status=ClaimStatus.IN_REVIEW, assignee=checker_user, verdict=False)
    with pytest.raises(workflow.WorkflowError, match="no verdict"):
        verification.review_submit(claim=claim, actor=editor_user, decision="approve")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    claim.delete()  # PostgreSQL would refuse this state at commit (see the trigger tests below)


def test_case_3_assigning_to_nobody_is_refused(client, editor_user):
    claim = ClaimFactory(status=ClaimStatus.TO_CHECK)
    client.force_login(editor_user)
    assert client.post(reverse("claims:claim-transition", args=[claim.pk, "assign"])).status_code == 404
    with translation.override("en"), pytest.raises(workflow.WorkflowError, match="Choose the checker"):
        claim_transition(claim=claim, actor=editor_user, action="assign", service="claim_assign")
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (ClaimStatus.TO_CHECK, None)


def test_case_3_the_database_refuses_a_claim_being_checked_without_an_assignee(checker_user):
    claim = ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(assignee=None)


def test_case_4_a_reviewer_sees_nothing_of_the_proposed_verdict_until_they_rate_it(client, checker_user, editor_user):
    claim = _in_review(checker_user)
    client.force_login(editor_user)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Proposé : plutôt vrai." not in page  # not in the verdict panel, not in the history
    outside_the_rating_choices = re.sub(r"<select.*?</select>", "", page, flags=re.S)
    assert not re.search("Plutôt vrai|Mostly true|mostly_true", outside_the_rating_choices)
    assert 'id="review-form"' not in page
    # The author (and anyone who is not reviewing) sees it.
    client.force_login(checker_user)
    assert "Proposé : plutôt vrai." in client.get(claim.get_absolute_url()).content.decode()

    client.force_login(editor_user)
    response = client.post(reverse("claims:claim-blind-rating", args=[claim.pk]), {"rating": "false", "intent": "rate"})
    assert response.status_code == 302
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Proposé : plutôt vrai." in page and 'id="review-form"' in page


def test_case_4_the_blind_rating_is_stored_per_reviewer_and_verdict_and_survives_logout(
    client, checker_user, editor_user
):
    claim = _in_review(checker_user)
    client.force_login(editor_user)
    client.post(reverse("claims:claim-blind-rating", args=[claim.pk]), {"rating": "false", "intent": "rate"})
    client.logout()
    client.force_login(editor_user)  # another session, another device
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Proposé : plutôt vrai." in page
    blind = BlindRating.objects.get()
    assert (blind.verdict, blind.reviewer, blind.rating) == (workflow.current_verdict(claim), editor_user, "false")
    # Rating again after seeing the verdict is refused: the first rating stands.
    again = client.post(reverse("claims:claim-blind-rating", args=[claim.pk]), {"rating": "mostly_true"})
    assert again.status_code == 409
    assert BlindRating.objects.get().rating == "false"
    # The history records that a blind rating happened, never what it was.
    event = claim.events.get(kind="blind")
    assert "false" not in str(event.changes) + event.message


def test_case_4_skipping_is_explicit_and_stored(client, checker_user, editor_user):
    claim = _in_review(checker_user)
    client.force_login(editor_user)
    empty = client.post(reverse("claims:claim-blind-rating", args=[claim.pk]), {"rating": ""})
    assert empty.status_code == 400  # neither a rating nor "skip"
    assert not BlindRating.objects.exists()
    client.post(reverse("claims:claim-blind-rating", args=[claim.pk]), {"rating": "", "intent": "skip"})
    assert BlindRating.objects.get().skipped is True
    assert selectors.agreement()["pairs"] == 0  # a skip says nothing about agreement


def test_case_4_the_api_hides_the_verdict_from_a_reviewer_until_the_blind_step(checker_user, editor_user):
    claim = _in_review(checker_user)
    api = APIClient()
    api.force_authenticate(editor_user)
    detail = api.get(f"/api/claims/{claim.pk}/").json()
    assert (detail["blind"], detail["verdict"]) == (True, None)
    assert "mostly_true" not in str(detail)
    assert api.post(f"/api/claims/{claim.pk}/review/", {"decision": "approve"}, format="json").status_code == 409
    api.force_authenticate(checker_user)
    assert api.get(f"/api/claims/{claim.pk}/").json()["verdict"]["rating"] == "mostly_true"


def test_case_4_agreement_counts_the_stored_blind_ratings(checker_user, editor_user, second_editor):
    claim = _in_review(checker_user)
    verification.blind_rating_record(claim=claim, actor=editor_user, rating="mostly_true")
    verification.blind_rating_record(claim=claim, actor=second_editor, rating="false")
    assert selectors.agreement() == {"pairs": 2, "observed": 0.5, "kappa": 0.0}


def test_case_10_the_review_queue_shows_a_claim_whose_current_verdict_someone_else_wrote(
    editor_checker, checker_user, editor_user
):
    # The editor wrote an earlier verdict that was sent back and reassigned; the current one is another's.
    claim = _in_review(editor_checker)
    verification.blind_rating_record(claim=claim, actor=_second_editor(), rating="")
    verification.review_submit(claim=claim, actor=_second_editor(), decision="send_back", comment="Refaire")
    from claims.services.assignment import claim_assign

    claim_assign(claim=claim, actor=_second_editor(), assignee=checker_user)
    verification.verdict_submit(claim=claim, actor=checker_user, rating="false", summary="Faux.")
    assert list(selectors.claim_list_for_review(user=editor_user)) == [claim]
    assert list(selectors.claim_list_for_review(user=checker_user)) == []
    # ... and the workflow agrees: the editor may review it.
    verification.blind_rating_record(claim=claim, actor=editor_user, rating="false")
    verification.review_submit(claim=claim, actor=editor_user, decision="approve")
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED


def _second_editor():
    from tests.factories import editor

    return editor("editor2")


def test_the_admin_cannot_write_verdicts_reviews_or_blind_ratings(client, superuser, checker_user):
    claim = _in_review(checker_user)
    verdict = workflow.current_verdict(claim)
    client.force_login(superuser)
    change = client.post(reverse("admin:claims_verdict_change", args=[verdict.pk]), {"rating": "true", "summary": "x"})
    assert change.status_code == 403
    for name in ("review", "blindrating", "verdict", "assignment"):
        assert client.get(reverse(f"admin:claims_{name}_add")).status_code == 403
    verdict.refresh_from_db()
    assert verdict.rating == "mostly_true"


def _commit_checks():
    """Fire the deferred constraint triggers now, as COMMIT would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_database_refuses_an_in_review_claim_without_a_submitted_verdict(checker_user):
    require_postgresql()
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    with pytest.raises(IntegrityError, match="without a submitted verdict"), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.IN_REVIEW)
        _commit_checks()


def test_the_database_refuses_an_approval_without_four_eyes(checker_user, editor_user):
    require_postgresql()
    claim = _in_review(checker_user)
    verdict = workflow.current_verdict(claim)
    with pytest.raises(IntegrityError, match="approved without"), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.APPROVED)
        _commit_checks()
    with pytest.raises(IntegrityError, match="approved without"), transaction.atomic():
        Review.objects.create(verdict=verdict, reviewer=checker_user, decision="approve")  # the author's own
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.APPROVED)
        _commit_checks()
    with transaction.atomic():  # a second person's approval is what the database accepts
        Review.objects.create(verdict=verdict, reviewer=editor_user, decision="approve")
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.APPROVED)
        _commit_checks()
    with pytest.raises(IntegrityError, match="approved without"), transaction.atomic():
        Review.objects.filter(verdict=verdict).delete()  # nor can the approval be removed afterwards
        _commit_checks()
    with pytest.raises(IntegrityError, match="approved without"), transaction.atomic():
        Verdict.objects.create(  # nor a new verdict slipped under an approved claim
            claim=claim, rating="true", summary="x", author=checker_user, submitted_at=timezone.now()
        )
        _commit_checks()


def test_a_reviewer_s_claim_page_reads_their_blind_rating_once(client, checker_user, editor_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claim = _in_review(checker_user)
    verification.blind_rating_record(claim=claim, actor=editor_user, rating="false")
    client.force_login(editor_user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(claim.get_absolute_url()).content.decode()
    assert 'id="review-form"' in page
    assert sum("claims_blindrating" in q["sql"] for q in captured.captured_queries) == 1
