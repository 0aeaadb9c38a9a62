from django.urls import path

from claims.views import articles, claims

app_name = "claims"

urlpatterns = [
    path("", articles.article_list, name="article-list"),
    path("articles/new/", articles.article_create, name="article-create"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:pk>/progress/", articles.article_progress, name="article-progress"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim-detail"),
]
