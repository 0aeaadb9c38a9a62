from django.urls import path, register_converter

from claims.converters import IdConverter
from claims.views import account, articles, claims, dashboard, feeds, matching, notifications, reports, triage

register_converter(IdConverter, "id")

app_name = "claims"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("queue/", dashboard.my_queue, name="queue"),
    path("reviews/", dashboard.review_queue, name="review-queue"),
    path("search/", dashboard.search, name="search"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/new/", articles.article_create, name="article-create"),
    path("articles/<id:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<id:pk>/progress/", articles.article_progress, name="article-progress"),
    path("articles/<id:pk>/refetch/", articles.article_refetch, name="article-refetch"),
    path("articles/<id:pk>/claims/new/", triage.claim_add, name="claim-add"),
    path("articles/<id:pk>/report/", reports.article_report, name="article-report"),
    path("articles/<id:pk>/report.pdf", reports.article_report_pdf, name="article-report-pdf"),
    path("articles/<id:pk>/claimreview.json", reports.article_claimreview, name="article-claimreview"),
    path("claims/<id:pk>/claimreview.json", reports.claim_claimreview, name="claim-claimreview"),
    path("exports/", reports.export_list, name="export-list"),
    path("exports/download/", reports.export_stream, name="export-stream"),
    path("exports/new/", reports.export_create, name="export-create"),
    path("exports/<id:pk>/", reports.export_detail, name="export-detail"),
    path("exports/<id:pk>/download/", reports.export_download, name="export-download"),
    path("claims/", triage.claim_list, name="claim-list"),
    path("triage/", triage.triage_list, name="triage"),
    path("triage/bulk/", triage.triage_bulk, name="triage-bulk"),
    path("claims/<id:pk>/", claims.claim_detail, name="claim-detail"),
    path("claims/<id:pk>/actions/<slug:action>/", claims.claim_transition, name="claim-transition"),
    path("claims/<id:pk>/assign/", claims.claim_assign, name="claim-assign"),
    path("claims/<id:pk>/wording/", claims.claim_wording, name="claim-wording"),
    path("claims/<id:pk>/evidence/", claims.claim_evidence, name="claim-evidence"),
    path("claims/<id:pk>/comments/", claims.claim_comment, name="claim-comment"),
    path("claims/<id:pk>/verdict/", claims.claim_verdict, name="claim-verdict"),
    path("claims/<id:pk>/blind-rating/", claims.claim_blind_rating, name="claim-blind-rating"),
    path("claims/<id:pk>/reopen/", claims.claim_reopen, name="claim-reopen"),
    path("claims/<id:pk>/review/", claims.claim_review, name="claim-review"),
    path("claims/<id:pk>/links/", matching.claim_link, name="claim-link"),
    path("claims/<id:pk>/matches/<id:match_pk>/<slug:decision>/", matching.match_decide, name="match-decide"),
    path("feeds/", feeds.feed_list, name="feed-list"),
    path("feeds/<id:pk>/", feeds.feed_detail, name="feed-detail"),
    path("feeds/<id:pk>/poll/", feeds.feed_poll_now, name="feed-poll"),
    path("feeds/<id:pk>/active/", feeds.feed_set_active, name="feed-set-active"),
    path("library/", matching.library, name="library"),
    path("library/import/", matching.library_import, name="library-import"),
    path("notifications/", notifications.notification_list, name="notification-list"),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
    path("notifications/<id:pk>/read/", notifications.notification_read, name="notification-read"),
    path("notifications/preferences/", notifications.notification_preferences, name="notification-preferences"),
    path("accounts/sign-out-everywhere/", account.sign_out_everywhere, name="sign-out-everywhere"),
]
