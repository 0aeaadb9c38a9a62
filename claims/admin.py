from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import workflow
from claims.models import (
    Article,
    Assignment,
    BlindRating,
    Claim,
    ClaimEvent,
    ClaimMatch,
    Comment,
    Evidence,
    FactCheck,
    Notification,
    Review,
    Verdict,
)
from claims.services.extraction import article_reextract


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "outlet", "language", "published_on", "extraction_status", "created_at"]
    list_filter = ["extraction_status", "language", "outlet"]
    search_fields = ["title", "outlet", "author", "url", "body"]
    # The threshold applies only through a re-extraction (the article page, the API, the action below).
    readonly_fields = [
        "content_hash",
        "extraction_token",
        "claim_threshold",
        "extraction_threshold",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
    actions = ["reextract"]

    @admin.action(description=gettext_lazy("Extract the claims again, keeping the desk's work"))
    def reextract(self, request, queryset):
        try:
            for article in queryset:
                article_reextract(article=article, actor=request.user, keep_human_work=True)
        except workflow.NotAllowed as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, _("%(count)s articles queued for extraction.") % {"count": len(queryset)})


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["id", "__str__", "article", "status", "score", "claimant", "assignee", "due_date"]
    list_filter = ["status", "origin", "article__language"]
    search_fields = ["text", "wording", "claimant"]
    list_select_related = ["article", "assignee"]
    raw_id_fields = ["article", "created_by"]
    # Offsets, status and assignment change only through the workflow's services, which record history.
    readonly_fields = ["text", "start", "end", "status", "assignee", "due_date", "created_at", "updated_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the workflow writes (with their history): looked at here, changed only through the desk."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["claim", "assignee", "assigned_by", "due_date", "created_at"]
    list_filter = ["assignee"]
    raw_id_fields = ["claim"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["title", "claim", "stance", "added_by", "created_at"]
    list_filter = ["stance"]
    search_fields = ["title", "url", "excerpt"]
    raw_id_fields = ["claim"]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["claim", "rating", "author", "submitted_at"]
    list_filter = ["rating"]
    search_fields = ["summary", "rationale"]
    raw_id_fields = ["claim"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["verdict", "reviewer", "decision", "created_at"]
    list_filter = ["decision"]
    raw_id_fields = ["verdict"]


@admin.register(BlindRating)
class BlindRatingAdmin(ReadOnlyAdmin):
    list_display = ["verdict", "reviewer", "rating", "created_at"]
    raw_id_fields = ["verdict"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["claim", "author", "created_at"]
    search_fields = ["body"]
    raw_id_fields = ["claim"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdmin):
    """History is read-only, here as everywhere."""

    list_display = ["created_at", "claim", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    search_fields = ["message"]
    list_select_related = ["claim", "actor"]


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    list_display = ["__str__", "rating", "rating_text", "publisher", "date_published", "language"]
    list_filter = ["rating", "language", "publisher"]
    search_fields = ["claim_reviewed", "headline", "url"]
    readonly_fields = ["fingerprint", "imported_by", "created_at", "updated_at"]


@admin.register(ClaimMatch)
class ClaimMatchAdmin(admin.ModelAdmin):
    list_display = ["claim", "earlier_claim", "fact_check", "score", "status", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["claim", "earlier_claim", "fact_check"]
    # Decisions go through the claim page, which records them in the claim's history.
    readonly_fields = ["status", "decided_by", "score", "reasons", "created_at", "updated_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Written by the services and the email worker; here to see what was sent, and why an email failed."""

    list_display = ["created_at", "recipient", "kind", "claim", "email_status", "emailed_at", "read_at"]
    list_filter = ["kind", "email_status"]
    list_select_related = ["recipient", "claim"]
    search_fields = ["recipient__username", "email_error"]
