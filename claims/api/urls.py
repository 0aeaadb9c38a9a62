from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims.api import views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="api-article")
router.register("claims", views.ClaimViewSet, basename="api-claim")
router.register("exports", views.ExportViewSet, basename="api-export")
router.register("feeds", views.FeedViewSet, basename="api-feed")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[views.ApiDocsAccess]), name="api-schema"),
    path(
        "docs/",
        views.docs_page(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[views.ApiDocsAccess])
        ),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
