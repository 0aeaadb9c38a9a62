"""The claim page and every action on a claim. All changes go through services and the workflow."""

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import forms, selectors, workflow
from claims.models import ClaimStatus
from claims.people import display_name
from claims.services import assignment, matching, transitions, verification
from claims.views.access import desk_required, get_claim_for_user
from claims.views.navigation import redirect_back

CONTEXT_CHARS = 400


@desk_required
def claim_detail(request, pk: int):
    claim = get_claim_for_user(request, pk)
    return _render(request, claim, walk=_list_walk(request, claim))


def _list_walk(request, claim) -> dict | None:
    """Previous and next in the list the claim was opened from (`?from=triage|claims&<that list's filters>`)."""
    origin = request.GET.get("from")
    if origin == "triage" and workflow.is_editor(request.user):
        form = forms.ClaimFilterForm(request.GET, with_status=False)
        claims = selectors.claim_list_for_triage(**form.filters())
    elif origin == "claims":
        form = forms.ClaimFilterForm(request.GET)
        claims = selectors.claim_list(**form.filters())
    else:
        return None
    previous, following = selectors.claim_neighbours(claim=claim, claims=claims, sort=form.sort_key())
    query = form.querystring()
    list_url = reverse("claims:triage" if origin == "triage" else "claims:claim-list")
    return {
        "previous": previous,
        "next": following,
        "query": urlencode({"from": origin}) + (f"&{query}" if query else ""),
        "list_url": f"{list_url}?{query}" if query else list_url,
    }


def _render(request, claim, status: int = 200, walk: dict | None = None, **bound):
    user = request.user
    verdict = workflow.current_verdict(claim)
    draft = claim.verdicts.filter(author=user, submitted_at__isnull=True).first()
    blind = workflow.is_blind_to(claim=claim, user=user, verdict=verdict)
    body = claim.article.body
    context = {
        "claim": claim,
        "walk": walk,
        "before": body[max(0, claim.start - CONTEXT_CHARS) : claim.start],
        "after": body[claim.end : claim.end + CONTEXT_CHARS],
        "events": claim.events.select_related("actor"),
        "evidence": claim.evidence.select_related("added_by"),
        "comments": claim.comments.select_related("author"),
        "assignments": claim.assignments.select_related("assignee", "assigned_by"),
        "verdict": verdict,
        # A reviewer who has not rated the verdict yet sees nothing of it, anywhere on the page.
        "blind": blind,
        "is_reviewer": workflow.may_review(claim=claim, user=user, verdict=verdict),
        "my_blind_rating": workflow.blind_rating_of(verdict=verdict, user=user) if verdict else None,
        "can_work": _allowed(workflow.check_can_work, claim, user),
        "can_assign": _allowed(workflow.check_can_assign, claim, user),
        "can_edit_wording": _allowed(workflow.check_can_edit_wording, claim, user),
        "can_comment": _allowed(workflow.check_can_comment, claim, user),
        # Forms of their own: assign, submit, approve and send back (below); the rest are buttons.
        "actions": [
            t
            for t in workflow.allowed_actions(claim=claim, user=user, verdict=verdict)
            if t.generic or t.action == "reopen"
        ],
        "assign_form": bound.get("assign_form")
        or forms.AssignForm(initial={"assignee": claim.assignee_id, "due_date": claim.due_date}),
        "wording_form": bound.get("wording_form") or forms.WordingForm(initial={"wording": claim.display_text}),
        "evidence_form": bound.get("evidence_form") or forms.EvidenceForm(),
        "comment_form": bound.get("comment_form") or forms.CommentForm(),
        "verdict_form": bound.get("verdict_form")
        or forms.VerdictForm(initial=_verdict_initial(draft or (verdict if claim.assignee_id == user.pk else None))),
        "draft": draft,
        "rating_form": forms.BlindRatingForm(),
        "review_form": bound.get("review_form") or forms.ReviewForm(),
        "matches": matching.matches_for_claim(claim),
        "can_link": workflow.is_editor(user),
        "can_reuse": workflow.is_editor(user) and claim.status in (ClaimStatus.DETECTED, ClaimStatus.TO_CHECK),
        "link_form": forms.LinkForm(),
        "tag_form": forms.TagApplyForm() if workflow.can_tag(user) else None,
        "tag_url": reverse("claims:claim-tags", args=[claim.pk]),
    }
    return render(request, "claims/claim_detail.html", context, status=status)


def _allowed(check, claim, user, **kwargs) -> bool:
    try:
        check(claim=claim, user=user, **kwargs)
    except workflow.WorkflowError:
        return False
    return True


def _verdict_initial(verdict) -> dict:
    if verdict is None:
        return {}
    return {"rating": verdict.rating, "summary": verdict.summary, "rationale": verdict.rationale}


@desk_required
@require_POST
def claim_transition(request, pk: int, action: str):
    """Bare status changes (keep, dismiss, restore, their undos, start); anything needing more has its own form."""
    transition = workflow.TRANSITIONS.get(action)
    if transition is None or not transition.generic:
        raise Http404("No such action here")
    claim = get_claim_for_user(request, pk)
    try:
        transitions.claim_transition(claim=claim, actor=request.user, action=action)
    except workflow.WorkflowError as error:
        if request.htmx:
            return HttpResponse(str(error), status=409)
        messages.error(request, str(error))
        return redirect_back(request, claim)
    if request.htmx:
        done = claim.status != ClaimStatus.DETECTED  # an undo puts the row back to decide
        # The row's link carries its list's filters, as the list's own rows do (the list's URL is in `next`).
        list_query = forms.ClaimFilterForm(QueryDict(urlsplit(request.POST.get("next", "")).query), with_status=False)
        return render(
            request,
            "claims/includes/triage_row.html",
            {"claim": claim, "done": done, "list_query": list_query.querystring()},
        )
    messages.success(request, _("Claim %(id)s: %(status)s.") % {"id": claim.pk, "status": claim.get_status_display()})
    return redirect_back(request, claim)


@desk_required
@require_POST
def claim_reopen(request, pk: int):
    def act(claim, data):
        transitions.claim_transition(claim=claim, actor=request.user, action="reopen", comment=data["comment"])

    return _form_action(request, pk, forms.ReasonForm, "reason_form", act, _("Claim reopened."))


@desk_required
@require_POST
def claim_assign(request, pk: int):
    claim = get_claim_for_user(request, pk)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return _render(request, claim, status=400, assign_form=form)
    data = form.cleaned_data
    try:
        if data["assignee"] is None:
            done = assignment.claims_assign_least_loaded(
                claims=[claim], actor=request.user, due_date=data["due_date"], note=data["note"]
            )[0]
        else:
            done = assignment.claim_assign(
                claim=claim, actor=request.user, assignee=data["assignee"], due_date=data["due_date"], note=data["note"]
            )
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Assigned to %(user)s.") % {"user": display_name(done.assignee)})
    return redirect_back(request, claim)


def _form_action(request, pk: int, form_class, key: str, act, success: str = ""):
    """Bind, refuse invalid input (400) or a refused action (409) with the form as typed, act, redirect."""
    claim = get_claim_for_user(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render(request, claim, status=400, **{key: form})
    try:
        act(claim, form.cleaned_data)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return _render(request, claim, status=409, **{key: form})
    if success:
        messages.success(request, success)
    return redirect(claim)


@desk_required
@require_POST
def claim_wording(request, pk: int):
    def act(claim, data):
        transitions.claim_edit_wording(claim=claim, actor=request.user, wording=data["wording"])

    return _form_action(request, pk, forms.WordingForm, "wording_form", act)


@desk_required
@require_POST
def claim_evidence(request, pk: int):
    def act(claim, data):
        verification.evidence_add(claim=claim, actor=request.user, **data)

    return _form_action(request, pk, forms.EvidenceForm, "evidence_form", act, _("Evidence added."))


@desk_required
@require_POST
def claim_comment(request, pk: int):
    def act(claim, data):
        verification.comment_add(claim=claim, actor=request.user, body=data["body"])

    return _form_action(request, pk, forms.CommentForm, "comment_form", act)


@desk_required
@require_POST
def claim_verdict(request, pk: int):
    """Save the draft (button "draft", or htmx autosave) or submit it for review."""
    claim = get_claim_for_user(request, pk)
    form = forms.VerdictForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return HttpResponse(status=204)  # an incomplete draft is kept in the page
        return _render(request, claim, status=400, verdict_form=form)
    submit = request.POST.get("intent") == "submit"
    service = verification.verdict_submit if submit else verification.verdict_save_draft
    try:
        service(claim=claim, actor=request.user, **form.cleaned_data)
    except workflow.WorkflowError as error:
        if request.htmx:
            return HttpResponse(str(error), status=409)
        messages.error(request, str(error))
        return _render(request, claim, status=409, verdict_form=form)
    if request.htmx:
        return render(request, "claims/includes/draft_saved.html")
    messages.success(request, _("Verdict submitted for review.") if submit else _("Draft saved."))
    return redirect(claim)


@desk_required
@require_POST
def claim_blind_rating(request, pk: int):
    """The reviewer's own rating, recorded before the proposed verdict is shown (or skipped)."""

    def act(claim, data):
        verification.blind_rating_record(claim=claim, actor=request.user, rating=data["rating"])

    return _form_action(request, pk, forms.BlindRatingForm, "rating_form", act)


@desk_required
@require_POST
def claim_review(request, pk: int):
    def act(claim, data):
        verification.review_submit(claim=claim, actor=request.user, decision=data["decision"], comment=data["comment"])

    return _form_action(request, pk, forms.ReviewForm, "review_form", act, _("Review recorded."))
