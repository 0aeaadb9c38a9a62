"""Feeds the desk monitors: the editors' pages to subscribe, follow, pause and poll them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from claims import selectors, workflow
from claims.forms import FeedForm
from claims.models import Feed
from claims.services import feeds as feed_services
from claims.views.access import desk_required, require


def _get_feed_for_user(request, pk: int) -> Feed:
    require(request, workflow.can_manage_feeds)
    return get_object_or_404(Feed, pk=pk)


@desk_required
@require_http_methods(["GET", "POST"])
def feed_list(request):
    require(request, workflow.can_manage_feeds)
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feed = feed_services.feed_subscribe(**form.cleaned_data, created_by=request.user)
        messages.success(request, _("The desk is subscribed to this feed; its first poll is on its way."))
        return redirect(feed)
    context = {"feeds": selectors.feed_list(), "form": form}
    return render(request, "claims/feed_list.html", context, status=400 if form.errors else 200)


@desk_required
@require_http_methods(["GET", "POST"])
def feed_detail(request, pk: int):
    feed = _get_feed_for_user(request, pk)
    form = FeedForm(request.POST or None, instance=feed)
    if request.method == "POST" and form.is_valid():
        feed_services.feed_edit(feed=feed, data=form.cleaned_data)
        messages.success(request, _("The feed is saved."))
        return redirect(feed)
    context = {"feed": feed, "form": form, "items": selectors.feed_items(feed=feed)}
    return render(request, "claims/feed_detail.html", context, status=400 if form.errors else 200)


@desk_required
@require_POST
def feed_poll_now(request, pk: int):
    feed = _get_feed_for_user(request, pk)
    feed_services.feed_poll_now(feed=feed)
    messages.success(request, _("The feed is being polled; reload this page in a moment to see what came."))
    return redirect(feed)


@desk_required
@require_POST
def feed_set_active(request, pk: int):
    feed = _get_feed_for_user(request, pk)
    active = request.POST.get("active") == "1"
    feed_services.feed_set_active(feed=feed, active=active)
    messages.success(request, _("The feed is active again.") if active else _("The feed is paused."))
    return redirect(feed)
