"""What the signed-in person may do, for the navigation and pages: asked of the workflow, once."""

from django.utils.functional import SimpleLazyObject

from claims import selectors, workflow


def roles(request) -> dict:
    user = request.user if hasattr(request, "user") else None

    def compute() -> dict:
        if user is None:
            return {}
        return {
            "desk": workflow.is_desk_member(user),
            "triage": workflow.is_editor(user),
            "check": workflow.is_checker(user),
            "review": workflow.can_review(user),
            "export": workflow.can_export(user),
            "submit": workflow.can_submit_articles(user),
            "webhooks": workflow.can_manage_webhooks(user),
            "two_factor": workflow.can_use_two_factor(user),
            "tag": workflow.can_tag(user),
            "save_for_desk": workflow.can_save_desk_searches(user),
            "feeds": workflow.can_manage_feeds(user),
        }

    return {"can": SimpleLazyObject(compute)}


def inbox(request) -> dict:
    """The count of unread notifications in the navigation: one query, only on pages that show it."""
    user = request.user if hasattr(request, "user") else None

    def compute() -> dict:
        if user is None or not user.is_authenticated:
            return {"unread": 0}
        return {"unread": selectors.notification_unread_count(user=user)}

    return {"inbox": SimpleLazyObject(compute)}


def saved_searches(request) -> dict:
    """The navigation's saved searches with their counts: one query for the searches, counts cached per list
    and filters (claims/selectors.saved_search_entries); only on pages that show them."""
    user = request.user if hasattr(request, "user") else None

    def compute() -> list:
        if user is None or not workflow.is_desk_member(user):
            return []
        from claims.saved_lists import saved_search_entries

        return saved_search_entries(user=user)

    return {"saved_searches": SimpleLazyObject(compute)}
