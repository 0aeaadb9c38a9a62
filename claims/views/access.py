"""One access-checked getter per resource; every view fetches through these."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from claims import workflow
from claims.models import Article, Claim, Notification, SavedSearch, Tag


def desk_required(view):
    """Logged in (else to the login page) and a desk role (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not workflow.is_desk_member(request.user):
            raise PermissionDenied("No desk role")
        return view(request, *args, **kwargs)

    return wrapped


def require(request, allowed) -> None:
    """403 unless `allowed(user)`, a role predicate of the workflow module (pages and API alike)."""
    if not allowed(request.user):
        raise PermissionDenied("Your role does not allow this.")


def get_article_for_user(request, pk: int) -> Article:
    if not workflow.is_desk_member(request.user):
        raise PermissionDenied("No desk role")
    return get_object_or_404(Article, pk=pk)


def get_claim_for_user(request, pk: int) -> Claim:
    if not workflow.is_desk_member(request.user):
        raise PermissionDenied("No desk role")
    return get_object_or_404(Claim.objects.select_related("article", "assignee"), pk=pk)


def get_notification_for_user(request, pk: int) -> Notification:
    """One's own notifications only: anyone else's is 404, as if it did not exist."""
    if not workflow.is_desk_member(request.user):
        raise PermissionDenied("No desk role")
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


def webhooks_admin_required(view):
    """Logged in (else to the login page) and an administrator (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(request, workflow.can_manage_webhooks)
        return view(request, *args, **kwargs)

    return wrapped


def get_webhook_for_user(request, pk: int):
    from claims.models import WebhookEndpoint

    require(request, workflow.can_manage_webhooks)
    return get_object_or_404(WebhookEndpoint, pk=pk)


def get_tag_for_user(request, pk: int) -> Tag:
    if not workflow.is_desk_member(request.user):
        raise PermissionDenied("No desk role")
    return get_object_or_404(Tag, pk=pk)


def get_saved_search_for_user(request, pk: int) -> SavedSearch:
    """One's own saved searches and the desk's: anyone else's is 404, as if it did not exist."""
    if not workflow.is_desk_member(request.user):
        raise PermissionDenied("No desk role")
    return get_object_or_404(SavedSearch, Q(owner=request.user) | Q(desk_wide=True), pk=pk)
