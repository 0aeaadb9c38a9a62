from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from claims import forms, selectors, workflow
from claims.validators import query_text
from claims.views.access import desk_required


@desk_required
def dashboard(request):
    return render(request, "claims/dashboard.html", selectors.dashboard_data(user=request.user))


REVIEWS_IN_QUEUE = 50


@desk_required
def my_queue(request):
    """My claims; for a reviewer, first the verdicts waiting for their review (all of them on the Reviews page)."""
    tag_form = forms.TagFilterForm(request.GET)
    claims = selectors.claim_queue_for_user(user=request.user, tag=tag_form.slug())
    page = Paginator(claims, 50).get_page(request.GET.get("page"))
    querystring = urlencode({"tag": tag_form.slug()}) if tag_form.slug() else ""
    context = {"page": page, "title_key": "queue", "reviews": None, "tag_form": tag_form, "querystring": querystring}
    if workflow.can_review(request.user):
        reviews = list(selectors.claim_list_for_review(user=request.user)[: REVIEWS_IN_QUEUE + 1])
        context |= {"reviews": reviews[:REVIEWS_IN_QUEUE], "reviews_more": len(reviews) > REVIEWS_IN_QUEUE}
    return render(request, "claims/claim_queue.html", context)


@desk_required
def review_queue(request):
    page = Paginator(selectors.claim_list_for_review(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "claims/claim_queue.html", {"page": page, "title_key": "review"})


@desk_required
def search(request):
    query = query_text(request.GET.get("q"))
    tag_form = forms.TagFilterForm(request.GET)
    claims = articles = []
    if query:
        claims = selectors.claims_search(query=query, tag=tag_form.slug())[:50]
        articles = selectors.articles_search(query=query, tag=tag_form.slug())[:20]
    context = {"query": query, "claims": claims, "articles": articles, "tag_form": tag_form}
    return render(request, "claims/search.html", context)
