"""Saved searches: save a list's filters (from the list's own page), and the page to rename or delete them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import forms, workflow
from claims.saved_lists import saved_search_entry, saved_searches_for
from claims.services import saved_searches
from claims.views.access import desk_required, get_saved_search_for_user
from claims.views.navigation import redirect_back


@desk_required
def saved_list(request):
    entries = [saved_search_entry(saved) for saved in saved_searches_for(user=request.user)]
    for entry in entries:
        entry.saved.may_change = _may_change(entry.saved, request.user)
    return render(request, "claims/saved_list.html", {"entries": entries, "rename_form": forms.SavedSearchRenameForm()})


def _may_change(saved, user) -> bool:
    try:
        workflow.check_can_change_saved_search(saved=saved, user=user)
    except workflow.WorkflowError:
        return False
    return True


@desk_required
@require_POST
def saved_create(request):
    form = forms.SavedSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the saved search a name (at most 80 characters)."))
        return redirect_back(request, reverse("claims:saved-list"))
    data = form.cleaned_data
    try:
        saved = saved_searches.saved_search_create(
            owner=request.user,
            name=data["name"],
            list_name=data["list_name"],
            query=data["query"],
            desk_wide=data["desk_wide"],
        )
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return redirect_back(request, reverse("claims:saved-list"))
    messages.success(request, _("Search saved as “%(name)s”.") % {"name": saved.name})
    entry = saved_search_entry(saved)
    return redirect(entry.url or "claims:saved-list")


@desk_required
@require_POST
def saved_rename(request, pk: int):
    saved = get_saved_search_for_user(request, pk)
    form = forms.SavedSearchRenameForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.WorkflowError(_("Give the saved search a name (at most 80 characters)."))
        saved_searches.saved_search_rename(saved=saved, actor=request.user, name=form.cleaned_data["name"])
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved search renamed."))
    return redirect("claims:saved-list")


@desk_required
@require_POST
def saved_delete(request, pk: int):
    saved = get_saved_search_for_user(request, pk)
    try:
        saved_searches.saved_search_delete(saved=saved, actor=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved search deleted."))
    return redirect("claims:saved-list")
