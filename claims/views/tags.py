"""The desk's tags: the tags page (editors create, rename, delete), tagging a claim or an article (htmx or a
plain form), and tagging the claims selected in the claims list. Every change goes through services.tags."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from claims import forms, selectors, workflow
from claims.models import Tag
from claims.services import tags
from claims.views.access import desk_required, get_article_for_user, get_claim_for_user, get_tag_for_user, require
from claims.views.navigation import redirect_back


@desk_required
def tag_list(request):
    return render(
        request,
        "claims/tag_list.html",
        {"tags": selectors.tag_list(), "form": forms.TagForm(), "colours": forms.TagColour},
    )


@desk_required
@require_POST
def tag_create(request):
    require(request, workflow.can_tag)
    form = forms.TagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the tag a name (at most 50 characters) and a colour of the palette."))
        return redirect_back(request, reverse("claims:tag-list"))
    try:
        tag = tags.tag_create(name=form.cleaned_data["name"], colour=form.cleaned_data["colour"], actor=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Tag “%(name)s” created.") % {"name": tag.name})
    return redirect_back(request, reverse("claims:tag-list"))


@desk_required
@require_POST
def tag_update(request, pk: int):
    tag = get_tag_for_user(request, pk)
    require(request, workflow.can_tag)
    form = forms.TagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the tag a name (at most 50 characters) and a colour of the palette."))
        return redirect("claims:tag-list")
    try:
        tags.tag_update(tag=tag, name=form.cleaned_data["name"], colour=form.cleaned_data["colour"], actor=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Tag saved."))
    return redirect("claims:tag-list")


@desk_required
@require_POST
def tag_delete(request, pk: int):
    tag = get_tag_for_user(request, pk)
    require(request, workflow.can_tag)
    name = tag.name
    tags.tag_delete(tag=tag, actor=request.user)
    messages.success(request, _("Tag “%(name)s” deleted.") % {"name": name})
    return redirect("claims:tag-list")


def _tag_from(form) -> Tag:
    return get_object_or_404(Tag, slug=form.cleaned_data["tag"])


@desk_required
@require_POST
def claim_tags(request, pk: int):
    """Add or remove one tag on a claim; htmx gets the claim's tags back, a plain form the claim page."""
    claim = get_claim_for_user(request, pk)
    require(request, workflow.can_tag)
    form = forms.TagApplyForm(request.POST)
    if form.is_valid():
        change = tags.claims_tag if form.cleaned_data["action"] == "add" else tags.claims_untag
        change(claims=[claim], tag=_tag_from(form), actor=request.user)
    elif not request.htmx:
        messages.error(request, _("Choose one of the desk's tags."))
    if request.htmx:
        return _tags_partial(request, claim, "claims:claim-tags", status=200 if form.is_valid() else 400)
    return redirect_back(request, claim)


@desk_required
@require_POST
def article_tags(request, pk: int):
    article = get_article_for_user(request, pk)
    require(request, workflow.can_tag)
    form = forms.TagApplyForm(request.POST)
    if form.is_valid():
        change = tags.article_tag if form.cleaned_data["action"] == "add" else tags.article_untag
        change(article=article, tag=_tag_from(form), actor=request.user)
    elif not request.htmx:
        messages.error(request, _("Choose one of the desk's tags."))
    if request.htmx:
        return _tags_partial(request, article, "claims:article-tags", status=200 if form.is_valid() else 400)
    return redirect_back(request, article)


def _tags_partial(request, obj, url_name: str, status: int = 200):
    return render(
        request,
        "claims/includes/tags.html",
        {"tagged": obj, "tag_url": reverse(url_name, args=[obj.pk]), "tag_form": forms.TagApplyForm()},
        status=status,
    )


@desk_required
@require_POST
def claims_bulk_tag(request):
    """Tag or untag the claims selected in the claims list: all of them in one transaction."""
    require(request, workflow.can_tag)
    form = forms.BulkTagForm(request.POST, claims=selectors.claim_list())
    if not form.is_valid():
        messages.error(request, _("Choose at least one claim, an action and a tag."))
        return redirect_back(request, reverse("claims:claim-list"))
    n = _bulk_tag(request.user, form.cleaned_data)
    messages.success(request, ngettext("%(n)s claim updated.", "%(n)s claims updated.", n) % {"n": n})
    return redirect_back(request, reverse("claims:claim-list"))


def _bulk_tag(actor, data) -> int:
    change = {"tag": tags.claims_tag, "untag": tags.claims_untag}.get(data["action"])
    if change is None:
        raise Http404("No such action")
    return change(claims=list(data["claims"]), tag=get_object_or_404(Tag, slug=data["tag"]), actor=actor)
