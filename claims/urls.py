from django.urls import path

from claims.views import articles, claims, dashboard, reports, triage

app_name = "claims"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("queue/", dashboard.my_queue, name="queue"),
    path("reviews/", dashboard.review_queue, name="review-queue"),
    path("search/", dashboard.search, name="search"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/new/", articles.article_create, name="article-create"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:pk>/progress/", articles.article_progress, name="article-progress"),
    path("articles/<int:pk>/claims/new/", triage.claim_add, name="claim-add"),
    path("articles/<int:pk>/report/", reports.article_report, name="article-report"),
    path("articles/<int:pk>/report.pdf", reports.article_report_pdf, name="article-report-pdf"),
    path("articles/<int:pk>/claimreview.json", reports.article_claimreview, name="article-claimreview"),
    path("claims/<int:pk>/claimreview.json", reports.claim_claimreview, name="claim-claimreview"),
    path("exports/", reports.export_list, name="export-list"),
    path("exports/download/", reports.export_stream, name="export-stream"),
    path("exports/new/", reports.export_create, name="export-create"),
    path("exports/<int:pk>/", reports.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", reports.export_download, name="export-download"),
    path("triage/", triage.triage_list, name="triage"),
    path("triage/bulk/", triage.triage_bulk, name="triage-bulk"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/actions/<slug:action>/", claims.claim_transition, name="claim-transition"),
    path("claims/<int:pk>/assign/", claims.claim_assign, name="claim-assign"),
    path("claims/<int:pk>/wording/", claims.claim_wording, name="claim-wording"),
    path("claims/<int:pk>/evidence/", claims.claim_evidence, name="claim-evidence"),
    path("claims/<int:pk>/comments/", claims.claim_comment, name="claim-comment"),
    path("claims/<int:pk>/verdict/", claims.claim_verdict, name="claim-verdict"),
    path("claims/<int:pk>/independent-rating/", claims.claim_independent_rating, name="claim-independent-rating"),
    path("claims/<int:pk>/review/", claims.claim_review, name="claim-review"),
]
