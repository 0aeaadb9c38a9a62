"""The claims lists: every claim for the desk, and triage (detected claims, decided one or many at once)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from claims import forms, selectors, workflow
from claims.models import Tag
from claims.services import assignment, tags, transitions
from claims.views.access import desk_required, get_article_for_user, require
from claims.views.navigation import redirect_back


@desk_required
def claim_list(request):
    """Every claim, whatever its status, with the same filters as triage: where the dashboard's chart leads."""
    form = forms.ClaimFilterForm(request.GET)
    claims = selectors.claim_list_sorted(sort=form.sort_key(), **form.filters())
    bulk = forms.BulkTagForm() if workflow.can_tag(request.user) else None
    return _render_list(request, "claims/claim_list.html", form, claims, form=bulk, saved_list="claims")


@desk_required
def triage_list(request):
    require(request, workflow.is_editor)
    form = forms.ClaimFilterForm(request.GET, with_status=False)
    claims = selectors.claim_list_for_triage(sort=form.sort_key(), **form.filters())
    return _render_list(
        request, "claims/claim_triage.html", form, claims, form=forms.BulkTriageForm(), saved_list="triage"
    )


def _render_list(request, template: str, filter_form, claims, **context):
    page = Paginator(claims, filter_form.page_size()).get_page(request.GET.get("page"))
    list_query = filter_form.querystring()
    return render(
        request,
        template,
        {
            "page": page,
            "filter_form": filter_form,
            "outlets": selectors.outlet_suggestions(),
            "list_query": list_query,  # carried by each claim's link, for previous and next on its page
            "querystring": list_query,  # for the pagination links
            "save_form": forms.SavedSearchForm(initial={"list_name": context.get("saved_list"), "query": list_query}),
            **context,
        },
    )


@desk_required
@require_POST
def triage_bulk(request):
    """Keep, dismiss, or keep and assign many claims at once: all of them or none. Back to the same list."""
    require(request, workflow.is_editor)
    form = forms.BulkTriageForm(request.POST, claims=selectors.claim_list_for_triage())
    if not form.is_valid():
        messages.error(request, _("Choose at least one claim and an action."))
        return redirect_back(request, reverse("claims:triage"))
    data = form.cleaned_data
    claims = list(data["claims"])
    try:
        with transaction.atomic():
            if data["action"] in forms.BulkTriageForm.TAG_ACTIONS:
                _tag_all(claims, request.user, data)
            elif data["action"] == "dismiss":
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


def _tag_all(claims, actor, data) -> None:
    tag = Tag.objects.filter(slug=data["tag"]).first()
    if tag is None:  # deleted since the form was shown
        raise workflow.WorkflowError(_("This tag no longer exists."))
    change = tags.claims_tag if data["action"] == "tag" else tags.claims_untag
    change(claims=claims, tag=tag, actor=actor)


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
