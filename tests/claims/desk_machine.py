"""A small desk, seven people and every door, for Hypothesis's stateful testing.

Two editors, two checkers, a person who is both, a logged-in person with no role and an
anonymous visitor act on one article's ten claims (every status, two in review, one with
a suggested match to the approved claim) through the pages' forms, the generic action URL
(every action name of workflow.TRANSITIONS and an unknown one), the matching pages (link,
reuse) and the REST API. After each step the invariants read the database:

a. no request ends in a server error;
b. no claim is assigned, in progress or in review without an assignee;
c. no claim is in review without a submitted verdict;
d. nobody approves a verdict they wrote (neither a Review row nor the history says so);
e. an approved claim's current verdict (the latest submitted) has an approving review by
   someone else, recorded since the claim last went into review;
f. a refused request (a 4xx, the login page, or an error message) changed nothing.

b to e are skipped after a step that changed nothing in the snapshot (claims, verdicts,
reviews, matches, row counts): they held on that same state already.

Each example builds its desk inside a savepoint of the test's transaction, and `teardown`
rolls it back; the people, their sessions and API tokens are made once per test, outside
it (session writes roll back with the example). Nothing queued with `on_commit` (emails,
tasks) ever runs: the test's own transaction never commits.

In a failing sequence Hypothesis prints each step's note (who sent what, the response,
what changed) just before the step's own line.
"""

import contextlib
import traceback
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from hypothesis.strategies._internal.featureflags import FeatureFlags

from claims import workflow
from claims.models import (
    Claim,
    ClaimStatus,
    EvidenceStance,
    Rating,
    Review,
    ReviewDecision,
    Verdict,
)
from claims.models.history import EventKind
from tests.claims.desk import PEOPLE, People, desk_create, desk_snapshot, snapshot_diff

S = ClaimStatus
# "assignee" is whoever the chosen claim is assigned to (anonymous if nobody). Each door
# draws its own people more often (they come first, so failing sequences shrink to them),
# and everyone else too, so that refusals are tried as well.
ACTORS = st.sampled_from((*PEOPLE, "assignee"))
EDITORS = st.sampled_from(("editor1", "editor2", "both", *PEOPLE, "assignee"))
CHECKERS = st.sampled_from(("assignee", "assignee", "assignee", *PEOPLE))
# Which claim a step acts on: mostly one whose status suits the step, sometimes any (see _pick).
PICKS = st.integers(min_value=0, max_value=63)
ASSIGNEES = st.sampled_from(("checker1", "checker2", "both", "", "editor1"))  # "": the least loaded
RATINGS = st.sampled_from([r.value for r in Rating])
REASONS = st.sampled_from(("", "Source ?"))
URLS = st.sampled_from(("https://www.insee.fr/", "", "javascript:alert(1)"))
OPEN = (S.ASSIGNED, S.IN_PROGRESS, S.IN_REVIEW)
WORKING = (S.ASSIGNED, S.IN_PROGRESS)

# The generic action URL, every action name in four groups (a rule each, so that each
# group is tried as often as one dedicated form). TRANSITIONS_TRIED must cover TRANSITIONS.
TRIAGE_ACTIONS = ("keep", "dismiss", "restore", "unkeep", "undismiss")
ASSIGN_ACTIONS = ("assign", "reuse", "frobnicate")
CHECKER_ACTIONS = ("start", "submit")
REVIEW_ACTIONS = ("approve", "send_back", "reopen")
TRANSITIONS_TRIED = {*TRIAGE_ACTIONS, *ASSIGN_ACTIONS, *CHECKER_ACTIONS, *REVIEW_ACTIONS}


def latest_submitted_verdict(claim: Claim) -> Verdict | None:
    return claim.verdicts.filter(submitted_at__isnull=False).order_by("-submitted_at", "-id").first()


def _without_swarm_testing(machine: RuleBasedStateMachine) -> None:
    """Every rule enabled in every example (Hypothesis internals: delete this if they move).

    Swarm testing draws which rules are enabled inside the first step, and the shrinker
    then cannot delete steps: failing sequences of 8 to 27 steps where one suffices, and
    five minutes of shrinking (measured with Hypothesis 6.170). The rules' own bias
    towards claims they can act on does swarm testing's job here.
    """
    machine._rules_strategy.enabled_rules_strategy = st.just(FeatureFlags())


@dataclass
class Outcome:
    request: str
    status: int
    refused: bool
    crash: str = ""


class DeskMachine(RuleBasedStateMachine):
    people: People  # set by desk_machine()

    def __init__(self):
        super().__init__()
        _without_swarm_testing(self)
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        try:
            self.ids = desk_create(self.people)
            self.snapshot = self.before = desk_snapshot()
        except BaseException:
            self.teardown()  # Hypothesis calls teardown only once the machine exists
            raise
        self.names = {pk: name for name, pk in self.ids.items()}
        self.last: Outcome | None = None
        self.log: list[str] = []

    def teardown(self):
        """Roll the example's desk back: the next example starts from the same database."""
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # -- choosing and sending -------------------------------------------------------------

    def _any(self, *statuses) -> bool:
        return any(row[1] in statuses for row in self.snapshot.claims)

    def _pick(self, pick: int, statuses=None) -> tuple:
        """3 times in 4 a claim whose status suits the step (when there is one), else any claim."""
        rows = self.snapshot.claims
        fitting = [row for row in rows if statuses is None or row[1] in statuses]
        if fitting and pick % 4 != 3:
            return fitting[pick // 4 % len(fitting)]
        return rows[pick // 4 % len(rows)]

    def _who(self, actor: str, claim: tuple) -> str:
        if actor == "assignee":
            return self.people.name_of(claim[2]) or "anonymous"
        return actor

    def send(self, who: str, url: str, data=None, *, claim=None, api=False, htmx=False, method="post") -> Outcome:
        """One request as `who`; records whether it was refused and what it changed."""
        self.before = self.snapshot
        client = (self.people.api if api else self.people.pages)[who]
        client.cookies.pop("messages", None)  # only this request's messages count
        about = f"  [{self.names.get(claim[0], claim[0])}, {claim[1]}]" if claim else ""
        label = f"{who} {method.upper()} {url} {data or ''}{' htmx' if htmx else ''}{about}"
        headers = {"HX-Request": "true"} if htmx else {}
        try:
            if method == "get":
                response = client.get(url, headers=headers)
            else:
                response = (
                    client.post(url, data or {}, format="json")
                    if api
                    else client.post(url, data or {}, headers=headers)
                )
        except Exception:  # the test client re-raises a view's exception: that is a 500
            self.last = Outcome(label, 500, refused=False, crash=traceback.format_exc())
            self._note(f"{label} -> raised")
            return self.last
        errors = (
            []
            if api
            else [m.message for m in messages.get_messages(response.wsgi_request) if m.level >= messages.ERROR]
        )
        to_login = response.status_code == 302 and response.url.startswith(reverse("login"))
        refused = 400 <= response.status_code < 500 or bool(errors) or to_login
        self.snapshot = desk_snapshot()
        self.last = Outcome(label, response.status_code, refused)
        changes = snapshot_diff(self.before, self.snapshot, self.names, self.people)
        self._note(
            f"{label} -> {response.status_code}{' refused' if refused else ''}"
            + (f" {errors}" if errors else "")
            + (f"; changed: {'; '.join(changes)}" if changes else "")
        )
        return self.last

    def _note(self, line: str) -> None:
        self.log.append(line)
        with contextlib.suppress(InvalidArgument):  # raised outside Hypothesis (fixed sequences)
            note(line)  # printed with the failing sequence

    def _page(self, actor, pick, statuses, view, data=None, **kwargs):
        claim = self._pick(pick, statuses)
        return self.send(self._who(actor, claim), reverse(view, args=[claim[0]]), data, claim=claim, **kwargs)

    def _api(self, actor, pick, statuses, endpoint, data):
        claim = self._pick(pick, statuses)
        url = reverse(f"api-claim-{endpoint}", args=[claim[0]])
        return self.send(self._who(actor, claim), url, data, claim=claim, api=True)

    def _generic(self, actor, pick, action, comment, htmx):
        transition = workflow.TRANSITIONS.get(action)
        claim = self._pick(pick, (transition.source,) if transition else None)
        url = reverse("claims:claim-transition", args=[claim[0], action])
        self.send(self._who(actor, claim), url, {"comment": comment}, claim=claim, htmx=htmx)

    # -- the pages' forms -----------------------------------------------------------------

    @rule(actor=EDITORS, pick=PICKS, assignee=ASSIGNEES, due=st.booleans())
    def assign_form(self, actor, pick, assignee, due):
        user = self.people.users.get(assignee)
        data = {"assignee": user.pk if user else "", "due_date": "2030-01-31" if due else "", "note": ""}
        self._page(actor, pick, (S.TO_CHECK, *WORKING), "claims:claim-assign", data)

    @precondition(lambda self: self._any(*WORKING))
    @rule(actor=CHECKERS, pick=PICKS, intent=st.sampled_from(("submit", "draft")), rating=RATINGS, summary=REASONS)
    def verdict_form(self, actor, pick, intent, rating, summary):
        data = {"rating": rating, "summary": summary, "rationale": "", "intent": intent}
        self._page(actor, pick, WORKING, "claims:claim-verdict", data)

    @precondition(lambda self: self._any(S.IN_REVIEW))
    @rule(actor=EDITORS, pick=PICKS, rating=st.sampled_from(("false", "true", "bogus", "")), skip=st.booleans())
    def blind_rating_form(self, actor, pick, rating, skip):
        data = {"rating": rating, "intent": "skip" if skip else "rate"}
        self._page(actor, pick, (S.IN_REVIEW,), "claims:claim-blind-rating", data)

    @precondition(lambda self: self._any(S.APPROVED))
    @rule(actor=EDITORS, pick=PICKS, comment=REASONS)
    def reopen_form(self, actor, pick, comment):
        self._page(actor, pick, (S.APPROVED,), "claims:claim-reopen", {"comment": comment})

    @precondition(lambda self: self._any(S.IN_REVIEW))
    @rule(actor=EDITORS, pick=PICKS, decision=st.sampled_from(("approve", "send_back", "bogus")), comment=REASONS)
    def review_form(self, actor, pick, decision, comment):
        self._page(actor, pick, (S.IN_REVIEW,), "claims:claim-review", {"decision": decision, "comment": comment})

    @precondition(lambda self: self._any(*WORKING))
    @rule(actor=CHECKERS, pick=PICKS, url=URLS)
    def evidence_form(self, actor, pick, url):
        data = {"title": "INSEE", "stance": EvidenceStance.REFUTES.value, "url": url}
        self._page(actor, pick, WORKING, "claims:claim-evidence", data)

    @rule(actor=ACTORS, pick=PICKS, body=st.sampled_from(("Vu.", "")))
    def comment_form(self, actor, pick, body):
        self._page(actor, pick, None, "claims:claim-comment", {"body": body})

    @rule(actor=EDITORS, pick=PICKS, wording=st.sampled_from(("Le chômage baisse.", "")))
    def wording_form(self, actor, pick, wording):
        self._page(actor, pick, (S.DETECTED, S.TO_CHECK, *WORKING), "claims:claim-wording", {"wording": wording})

    @precondition(lambda self: self._any(S.DETECTED))
    @rule(
        actor=EDITORS,
        picks=st.lists(PICKS, max_size=3),
        action=st.sampled_from(("keep", "dismiss", "assign", "bogus")),
        assignee=ASSIGNEES,
    )
    def bulk_triage(self, actor, picks, action, assignee):
        claims = list(dict.fromkeys(self._pick(pick, (S.DETECTED,)) for pick in picks))
        user = self.people.users.get(assignee)
        data = {"claims": [c[0] for c in claims], "action": action, "assignee": user.pk if user else "", "note": ""}
        who = self._who(actor, claims[0] if claims else (None, None, None))
        self.send(who, reverse("claims:triage-bulk"), data)

    @precondition(lambda self: self._any(S.DETECTED, S.TO_CHECK) and self._any(S.APPROVED))
    @rule(actor=EDITORS, pick=PICKS, earlier=PICKS)
    def link_form(self, actor, pick, earlier):
        target = self._pick(earlier, (S.APPROVED,))
        self._page(actor, pick, (S.DETECTED, S.TO_CHECK), "claims:claim-link", {"target": str(target[0])})

    @precondition(lambda self: bool(self.snapshot.matches))
    @rule(actor=EDITORS, pick=PICKS, decision=st.sampled_from(("reuse", "confirm", "reject", "bogus")))
    def match_decision(self, actor, pick, decision):
        match_id, claim_id, _status = self.snapshot.matches[pick % len(self.snapshot.matches)]
        claim = next(row for row in self.snapshot.claims if row[0] == claim_id)
        url = reverse("claims:match-decide", args=[claim_id, match_id, decision])
        self.send(self._who(actor, claim), url, claim=claim)

    @rule(
        actor=ACTORS, pick=PICKS, page=st.sampled_from(("claim", "claim-reveal", "reviews", "queue", "triage", "api"))
    )
    def look(self, actor, pick, page):
        claim = self._pick(pick)
        url = {
            "claim": reverse("claims:claim-detail", args=[claim[0]]),
            "claim-reveal": reverse("claims:claim-detail", args=[claim[0]]) + "?reveal=1",
            "reviews": reverse("claims:review-queue"),
            "queue": reverse("claims:queue"),
            "triage": reverse("claims:triage"),
            "api": reverse("api-claim-detail", args=[claim[0]]),
        }[page]
        self.send(self._who(actor, claim), url, claim=claim, method="get", api=page == "api")

    # -- the generic action URL, every action name ----------------------------------------

    @rule(actor=EDITORS, pick=PICKS, action=st.sampled_from(TRIAGE_ACTIONS), comment=REASONS, htmx=st.booleans())
    def generic_triage_action(self, actor, pick, action, comment, htmx):
        self._generic(actor, pick, action, comment, htmx)

    @rule(actor=EDITORS, pick=PICKS, action=st.sampled_from(ASSIGN_ACTIONS), comment=REASONS, htmx=st.booleans())
    def generic_assign_action(self, actor, pick, action, comment, htmx):
        self._generic(actor, pick, action, comment, htmx)

    @precondition(lambda self: self._any(*WORKING))
    @rule(actor=CHECKERS, pick=PICKS, action=st.sampled_from(CHECKER_ACTIONS), comment=REASONS, htmx=st.booleans())
    def generic_checker_action(self, actor, pick, action, comment, htmx):
        self._generic(actor, pick, action, comment, htmx)

    @precondition(lambda self: self._any(S.IN_REVIEW, S.APPROVED))
    @rule(actor=EDITORS, pick=PICKS, action=st.sampled_from(REVIEW_ACTIONS), comment=REASONS, htmx=st.booleans())
    def generic_review_action(self, actor, pick, action, comment, htmx):
        self._generic(actor, pick, action, comment, htmx)

    # -- the REST API ---------------------------------------------------------------------

    @rule(actor=EDITORS, pick=PICKS, action=st.sampled_from(("keep", "dismiss", "restore", "approve")))
    def api_triage(self, actor, pick, action):
        self._api(actor, pick, (S.DETECTED, S.DISMISSED), "triage", {"action": action})

    @rule(actor=EDITORS, pick=PICKS, assignee=st.sampled_from(("checker1", "checker2", "both", "editor1", "ghost")))
    def api_assign(self, actor, pick, assignee):
        self._api(actor, pick, (S.TO_CHECK, *WORKING), "assign", {"assignee": assignee, "due_date": None})

    @precondition(lambda self: self._any(*WORKING))
    @rule(actor=CHECKERS, pick=PICKS, rating=RATINGS, summary=REASONS)
    def api_verdict(self, actor, pick, rating, summary):
        self._api(actor, pick, WORKING, "verdict", {"rating": rating, "summary": summary})

    @precondition(lambda self: self._any(S.IN_REVIEW))
    @rule(actor=EDITORS, pick=PICKS, own=st.sampled_from([*(r.value for r in Rating), ""]))
    def api_blind_rating(self, actor, pick, own):
        self._api(actor, pick, (S.IN_REVIEW,), "blind-rating", {"rating": own})

    @precondition(lambda self: self._any(S.IN_REVIEW))
    @rule(actor=EDITORS, pick=PICKS, decision=st.sampled_from(("approve", "send_back")), comment=REASONS)
    def api_review(self, actor, pick, decision, comment):
        self._api(actor, pick, (S.IN_REVIEW,), "review", {"decision": decision, "comment": comment})

    @precondition(lambda self: self._any(*WORKING))
    @rule(actor=CHECKERS, pick=PICKS, url=URLS)
    def api_evidence(self, actor, pick, url):
        self._api(actor, pick, WORKING, "evidence", {"title": "INSEE", "stance": EvidenceStance.SUPPORTS, "url": url})

    # -- the invariants, checked in this (alphabetical) order after every step ------------

    def changed(self) -> bool:
        """Did the last step change the desk? (b to e held before it; they read nothing the snapshot misses.)"""
        return self.last is None or self.snapshot != self.before

    def _names(self, claims) -> list[str]:
        return [f"{self.names.get(c.pk, c.pk)} ({c.status})" for c in claims]

    @invariant()
    def a_no_request_ends_in_a_server_error(self):
        if self.last is not None:
            assert not self.last.crash, f"{self.last.request} raised:\n{self.last.crash}"
            assert self.last.status < 500, f"{self.last.request} -> {self.last.status}"

    @precondition(lambda self: self.changed())
    @invariant()
    def b_claims_being_checked_have_an_assignee(self):
        # One assertion per status, so that Hypothesis reports each way of losing the assignee.
        orphans = list(Claim.objects.filter(assignee__isnull=True, status__in=OPEN))
        statuses, message = {c.status for c in orphans}, f"no assignee: {self._names(orphans)}"
        assert S.ASSIGNED not in statuses, message
        assert S.IN_PROGRESS not in statuses, message
        assert S.IN_REVIEW not in statuses, message

    @precondition(lambda self: self.changed())
    @invariant()
    def c_claims_in_review_have_a_submitted_verdict(self):
        submitted = Verdict.objects.filter(claim=OuterRef("pk"), submitted_at__isnull=False)
        bare = Claim.objects.filter(status=S.IN_REVIEW).exclude(Exists(submitted))
        assert not bare.exists(), f"in review without a submitted verdict: {self._names(bare)}"

    @precondition(lambda self: self.changed())
    @invariant()
    def d_nobody_approves_a_verdict_they_wrote(self):
        own = Review.objects.filter(decision=ReviewDecision.APPROVE, reviewer_id=F("verdict__author_id"))
        assert not own.exists(), f"approved by their author: {list(own.values_list('verdict_id', flat=True))}"
        for claim in Claim.objects.filter(status=S.APPROVED):
            verdict = latest_submitted_verdict(claim)
            approval = claim.events.filter(kind=EventKind.STATUS, to_status=S.APPROVED).order_by("-id").first()
            if verdict is not None and approval is not None:
                assert approval.actor_id != verdict.author_id, (
                    f"{self._names([claim])} approved by {self.people.name_of(approval.actor_id)}, its verdict's author"
                )

    @precondition(lambda self: self.changed())
    @invariant()
    def e_approved_claims_have_an_approving_review_of_their_current_verdict(self):
        for claim in Claim.objects.filter(status=S.APPROVED):
            verdict = latest_submitted_verdict(claim)
            assert verdict is not None, f"{self._names([claim])} approved without a submitted verdict"
            reviews = verdict.reviews.filter(decision=ReviewDecision.APPROVE).exclude(reviewer_id=verdict.author_id)
            into_review = claim.events.filter(kind=EventKind.STATUS, to_status=S.IN_REVIEW).order_by("-id").first()
            if into_review is not None:  # this round's approval, not one from before a reopening
                reviews = reviews.filter(created_at__gte=into_review.created_at)
            assert reviews.exists(), f"{self._names([claim])} approved with no approving review of verdict {verdict.pk}"

    @invariant()
    def f_a_refused_request_changes_nothing(self):
        if self.last is not None and self.last.refused:
            after = desk_snapshot()
            changes = snapshot_diff(self.before, after, self.names, self.people)
            assert after == self.before, f"{self.last.request} -> {self.last.status}, refused, yet changed: {changes}"

    def check_invariants_now(self) -> None:
        """For fixed sequences outside Hypothesis: every invariant, in order."""
        self.a_no_request_ends_in_a_server_error()
        self.b_claims_being_checked_have_an_assignee()
        self.c_claims_in_review_have_a_submitted_verdict()
        self.d_nobody_approves_a_verdict_they_wrote()
        self.e_approved_claims_have_an_approving_review_of_their_current_verdict()
        self.f_a_refused_request_changes_nothing()


def desk_machine(people: People) -> type[DeskMachine]:
    return type("DeskMachine", (DeskMachine,), {"people": people})
