"""Has this claim been checked before? Links between claims, verdict reuse, the fact-check library."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from claims import forms, workflow
from claims.exporters.claimreview_reader import ClaimReviewError
from claims.models import Claim, ClaimMatch, FactCheck
from claims.services import matching
from claims.validators import query_text
from claims.views.access import desk_required, get_claim_for_user, require

DECISIONS = {
    "confirm": (matching.match_confirm, gettext_lazy("Linked: the claims state the same thing.")),
    "reject": (matching.match_reject, gettext_lazy("Link removed; it will not be suggested again.")),
    "reuse": (
        matching.verdict_reuse,
        gettext_lazy("The earlier verdict is proposed for this claim and waits for review."),
    ),
}
PAGE_SIZE = 50


@desk_required
@require_POST
def match_decide(request, pk: int, match_pk: int, decision: str):
    claim = get_claim_for_user(request, pk)
    match = get_object_or_404(
        ClaimMatch.objects.select_related("earlier_claim", "fact_check"), pk=match_pk, claim=claim
    )
    match.claim = claim
    if decision not in DECISIONS:
        messages.error(request, _("Unknown decision."))
        return redirect(claim)
    service, success = DECISIONS[decision]
    try:
        service(match=match, actor=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(claim)


@desk_required
@require_POST
def claim_link(request, pk: int):
    claim = get_claim_for_user(request, pk)
    form = forms.LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["target"]))
        return redirect(claim)
    target = form.cleaned_data["target"]
    if target.isdigit():
        found = {"earlier_claim": Claim.objects.filter(pk=int(target)).first()}
    else:
        found = {"fact_check": FactCheck.objects.filter(url=target).first()}
    if next(iter(found.values())) is None:
        messages.error(request, _("No claim or fact-check in the library matches “%(target)s”.") % {"target": target})
        return redirect(claim)
    try:
        matching.claim_link(claim=claim, actor=request.user, **found)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Linked."))
    return redirect(claim)


@desk_required
def library(request):
    """The published fact-checks new claims are matched against; editors import more."""
    checks = FactCheck.objects.order_by("-date_published", "-id")
    query = query_text(request.GET.get("q"))
    if query:
        checks = checks.filter(claim_reviewed__icontains=query)
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/factcheck_list.html",
        {
            "page": page,
            "query": query,
            "querystring": urlencode({"q": query}) if query else "",
            "form": forms.LibraryImportForm(),
            "can_import": workflow.is_editor(request.user),
        },
    )


@desk_required
@require_POST
def library_import(request):
    require(request, workflow.is_editor)
    form = forms.LibraryImportForm(request.POST, request.FILES)
    if not form.is_valid():
        refused = getattr(request, "upload_errors", [])  # set by the upload handler (type, size)
        messages.error(request, " ".join(refused) or _("Choose a ClaimReview file to import."))
        return redirect("claims:library")
    try:
        result = matching.factchecks_import(data=form.cleaned_data["file"].read(), actor=request.user)
    except ClaimReviewError as error:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": error})
        return redirect("claims:library")
    messages.success(
        request,
        ngettext(
            "%(created)s fact-check added, %(updated)s updated.",
            "%(created)s fact-checks added, %(updated)s updated.",
            result.created,
        )
        % {"created": result.created, "updated": result.updated},
    )
    for problem in result.problems[:10]:
        messages.warning(request, _("Skipped %(problem)s") % {"problem": problem})
    if len(result.problems) > 10:
        more = len(result.problems) - 10
        messages.warning(
            request,
            ngettext("…and %(count)s more review skipped.", "…and %(count)s more reviews skipped.", more)
            % {"count": more},
        )
    return redirect("claims:library")
