from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from claims import forms, selectors, workflow
from claims.services import assignment, transitions
from claims.views.access import desk_required, get_article_for_user, require
from claims.views.navigation import redirect_back

PAGE_SIZE = 50


@desk_required
def triage_list(request):
    require(request, workflow.is_editor)
    article_id = request.GET.get("article", "")
    article_id = int(article_id) if article_id.isdigit() and len(article_id) <= 18 else None
    claims = selectors.claim_list_for_triage(article_id=article_id)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    form = forms.BulkTriageForm(claims=claims)
    return render(request, "claims/claim_triage.html", {"page": page, "form": form, "article_id": article_id})


@desk_required
@require_POST
def triage_bulk(request):
    """Keep, dismiss, or keep and assign many claims at once: all of them or none."""
    require(request, workflow.is_editor)
    form = forms.BulkTriageForm(request.POST, claims=selectors.claim_list_for_triage())
    if not form.is_valid():
        messages.error(request, _("Choose at least one claim and an action."))
        return redirect("claims:triage")
    data = form.cleaned_data
    claims = list(data["claims"])
    try:
        with transaction.atomic():
            if data["action"] == "dismiss":
                transitions.claims_triage(claims=claims, actor=request.user, action="dismiss")
            else:
                transitions.claims_triage(claims=claims, actor=request.user, action="keep")
            if data["action"] == "assign":
                _assign_all(claims, request.user, data)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, ngettext("%(n)s claim updated.", "%(n)s claims updated.", len(claims)) % {"n": len(claims)}
        )
    return redirect_back(request, reverse("claims:triage"))


def _assign_all(claims, actor, data) -> None:
    if data["assignee"] is None:
        assignment.claims_assign_least_loaded(claims=claims, actor=actor, due_date=data["due_date"], note=data["note"])
        return
    for claim in claims:
        assignment.claim_assign(
            claim=claim, actor=actor, assignee=data["assignee"], due_date=data["due_date"], note=data["note"]
        )


@desk_required
@require_POST
def claim_add(request, pk: int):
    """A claim the extractor missed, from a selection in the article's text."""
    article = get_article_for_user(request, pk)
    form = forms.ManualClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select the claim's text in the article first."))
        return redirect(article)
    try:
        claim = transitions.claim_add_manual(
            article=article, actor=request.user, text=form.cleaned_data["text"], start=form.cleaned_data["start"]
        )
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return redirect(article)
    messages.success(request, _("Claim added for checking."))
    return redirect(claim)
