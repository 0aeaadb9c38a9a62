"""Desk integrity: whoever does whatever through any door, the desk's invariants hold.

The machine and its invariants are in desk_machine.py, the desk it plays on in desk.py.
The fixed sequences below show that the machine is not vacuous: its doors lead somewhere
(a claim reaches "approved" through the pages and through the API) and it tells a
refusal when it sees one.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from claims import workflow
from claims.models import ClaimStatus, Review
from tests.claims.desk import people_create
from tests.claims.desk_machine import TRANSITIONS_TRIED, desk_machine

pytestmark = pytest.mark.django_db

DESK_RUN = settings(
    max_examples=30,
    stateful_step_count=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no "explain": minutes, little news
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture
def people(db):
    return people_create()


@pytest.fixture
def machine(people):
    machine = desk_machine(people)()
    yield machine
    machine.teardown()


@pytest.mark.timeout(900)  # a passing run takes about a minute; shrinking several failures, minutes
def test_the_desk_keeps_its_invariants_whatever_anyone_does_through_any_door(people):
    run_state_machine_as_test(desk_machine(people), settings=DESK_RUN)


def test_the_machine_tries_every_action_name_of_the_workflow():
    assert set(workflow.TRANSITIONS) <= TRANSITIONS_TRIED
    assert TRANSITIONS_TRIED - set(workflow.TRANSITIONS) == {"frobnicate"}


def _step(machine, who, claim_name, view, data=None):
    url = reverse(view, args=[machine.ids[claim_name]])
    outcome = machine.send(who, url, data, api=view.startswith("api-"))
    machine.check_invariants_now()
    assert outcome.refused is False, outcome


def _status(machine, claim_name):
    return next(row[1] for row in machine.snapshot.claims if row[0] == machine.ids[claim_name])


def test_a_claim_reaches_approved_through_the_pages_forms(machine, people):
    checker1 = people.users["checker1"]
    _step(machine, "editor1", "to_check", "claims:claim-assign", {"assignee": checker1.pk, "note": ""})
    assert _status(machine, "to_check") == ClaimStatus.ASSIGNED
    draft = {"rating": "false", "summary": "Faux selon l'INSEE.", "rationale": "", "intent": "draft"}
    _step(machine, "checker1", "to_check", "claims:claim-verdict", draft)
    _step(machine, "checker1", "to_check", "claims:claim-evidence", {"title": "INSEE", "stance": "refutes"})
    _step(machine, "checker1", "to_check", "claims:claim-verdict", {**draft, "intent": "submit"})
    assert _status(machine, "to_check") == ClaimStatus.IN_REVIEW
    _step(machine, "editor2", "to_check", "claims:claim-blind-rating", {"rating": "false", "intent": "rate"})
    _step(machine, "editor2", "to_check", "claims:claim-review", {"decision": "approve", "comment": ""})

    assert _status(machine, "to_check") == ClaimStatus.APPROVED
    review = Review.objects.get(verdict__claim_id=machine.ids["to_check"])
    assert (review.reviewer, review.verdict.author) == (people.users["editor2"], checker1)
    assert review.verdict.blind_ratings.get().rating == "false"


def test_a_claim_reaches_approved_through_the_api(machine):
    _step(machine, "editor1", "detected", "api-claim-triage", {"action": "keep"})
    _step(machine, "editor1", "detected", "api-claim-assign", {"assignee": "both"})
    _step(machine, "both", "detected", "api-claim-evidence", {"title": "INSEE", "stance": "supports"})
    _step(machine, "both", "detected", "api-claim-verdict", {"rating": "true", "summary": "Vrai."})
    assert _status(machine, "detected") == ClaimStatus.IN_REVIEW
    _step(machine, "editor2", "detected", "api-claim-blind-rating", {"rating": ""})  # skipped
    _step(machine, "editor2", "detected", "api-claim-review", {"decision": "send_back", "comment": "Source ?"})
    _step(machine, "both", "detected", "api-claim-verdict", {"rating": "true", "summary": "Vrai, source ajoutée."})
    _step(machine, "editor1", "detected", "api-claim-blind-rating", {"rating": "true"})
    _step(machine, "editor1", "detected", "api-claim-review", {"decision": "approve"})

    assert _status(machine, "detected") == ClaimStatus.APPROVED


@pytest.mark.parametrize(
    ("who", "claim_name", "view", "data", "status"),
    [
        ("checker1", "detected", "claims:claim-wording", {"wording": "Autre"}, 409),  # the page again, a message
        ("both", "in_review_own", "claims:claim-review", {"decision": "approve"}, 409),  # four eyes
        ("editor1", "in_review", "claims:claim-assign", {"assignee": ""}, 302),  # back, with a message
        ("anonymous", "to_check", "claims:claim-comment", {"body": "Vu."}, 302),  # to the login page
        ("norole", "to_check", "api-claim-triage", {"action": "keep"}, 403),
    ],
)
def test_the_machine_sees_a_refusal_and_that_it_changed_nothing(machine, who, claim_name, view, data, status):
    url = reverse(view, args=[machine.ids[claim_name]])
    outcome = machine.send(who, url, data, api=view.startswith("api-"))
    machine.check_invariants_now()
    assert (outcome.status, outcome.refused) == (status, True)
    assert machine.snapshot == machine.before
