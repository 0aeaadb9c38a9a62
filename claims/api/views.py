"""The REST API: the same services and workflow as the pages, the same access rules."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from claims import reports, selectors, workflow
from claims.api import serializers as s
from claims.converters import IdConverter
from claims.models import Article, Claim, ExportJob, Feed
from claims.services import accounts, assignment, transitions, verification
from claims.services.exports import export_request
from claims.services.extraction import article_reextract
from claims.services.feeds import feed_subscribe
from claims.services.ingestion import ArticleInput, article_ingest
from claims.views import reports as report_views
from claims.views.access import require


class IsDeskMember(permissions.BasePermission):
    message = "You have no role on this desk."

    def has_permission(self, request, view) -> bool:
        return workflow.is_desk_member(request.user)


class ApiDocsAccess(IsDeskMember):
    """The schema and its docs: desk members only, unless FACTCHECK_PUBLIC_API_DOCS publishes them."""

    def has_permission(self, request, view) -> bool:
        return settings.FACTCHECK_PUBLIC_API_DOCS or super().has_permission(request, view)


def docs_page(view):
    """The docs page sends an anonymous visitor to the login page (the schema answers 401)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.FACTCHECK_PUBLIC_API_DOCS and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


class TokenView(ObtainAuthToken):
    """POST a username and password for your API token (a new one once it has expired); DELETE revokes it."""

    def get_authenticators(self):
        # Asking for a token takes only a username and password: an expired token sent along
        # out of habit must not turn the request away.
        return [] if self._asking() else super().get_authenticators()

    def get_permissions(self):
        return [] if self._asking() else [permissions.IsAuthenticated()]

    def _asking(self) -> bool:
        return getattr(self.request, "method", None) == "POST"  # no request while the schema is generated

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: s.TokenSerializer},
        description="Your API token: the same one while it lasts (FACTCHECK_API_TOKEN_DAYS), a new one after.",
    )
    def post(self, request, *args, **kwargs):
        credentials = self.get_serializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        token = accounts.api_token_issue(user=credentials.validated_data["user"])
        expires_at = accounts.api_token_expires_at(token)
        return Response(s.TokenSerializer({"token": token.key, "expires_at": expires_at}).data)

    @extend_schema(request=None, responses={204: None}, description="Revoke your API token.")
    def delete(self, request, *args, **kwargs):
        accounts.api_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClaimCursor(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ArticleCursor(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ArticleViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = IdConverter.regex
    permission_classes = [permissions.IsAuthenticated, IsDeskMember]
    serializer_class = s.ArticleSerializer
    pagination_class = ArticleCursor

    def get_queryset(self):
        if self.action == "reextract":  # answers with the article's summary: none of its claims is read
            return Article.objects.all()
        if self.action != "list":
            return Article.objects.prefetch_related("claims__assignee", "claims__tags", "tags")
        filters = s.ArticleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.article_filtered(**filters.validated_data).prefetch_related("tags")

    def get_serializer_class(self):
        return s.ArticleSummarySerializer if self.action == "list" else s.ArticleSerializer

    @extend_schema(parameters=[s.ArticleFilterSerializer])
    def list(self, request, *args, **kwargs):
        """Articles, newest first (without their claims), narrowed by `tag` (a slug) and `language`."""
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ArticleCreateSerializer, responses={201: s.ArticleCreatedSerializer})
    def create(self, request):
        require(request, workflow.can_submit_articles)
        data = s.ArticleCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = article_ingest(data=ArticleInput(**data.validated_data), submitted_by=request.user)
        body = {"id": result.article.pk, "status": result.article.extraction_status, "created": result.created}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(request=s.ReextractSerializer, responses={202: s.ArticleSummarySerializer})
    @action(detail=True, methods=["post"])
    def reextract(self, request, pk=None):
        """Extract the article's claims again at `threshold`; claims that carry the desk's work are kept."""
        require(request, workflow.can_reextract)
        article = self.get_object()
        data = s.ReextractSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article_reextract(
            article=article, actor=request.user, keep_human_work=True, threshold=data.validated_data["threshold"]
        )
        article.refresh_from_db()
        return Response(s.ArticleSummarySerializer(article).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def claimreview(self, request, pk=None):
        require(request, workflow.can_export)
        article = self.get_object()
        data = reports.claim_reviews(
            article, language=_language(request), report_url=report_views.report_url(request, article)
        )
        return Response(data)

    @extend_schema(
        parameters=[s.ReportQuerySerializer],
        responses={(200, "text/html"): OpenApiTypes.STR, (200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        require(request, workflow.can_export)
        article = self.get_object()
        query = s.ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        language = query.validated_data["lang"]
        if query.validated_data["format"] == "pdf":
            pdf = report_views.render_pdf(request._request, article, language)
            return report_views.pdf_response(pdf, f"verification-{article.pk}-{language}.pdf")
        with translation.override(language):
            html = render_to_string(
                "claims/article_report_pdf.html", report_views.report_context(request._request, article, language)
            )
        return HttpResponse(html, content_type="text/html; charset=utf-8")


def _language(request) -> str:
    lang = request.query_params.get("lang", "fr")
    return lang if lang in ("fr", "en") else "fr"


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = IdConverter.regex
    permission_classes = [permissions.IsAuthenticated, IsDeskMember]
    serializer_class = s.ClaimSerializer
    pagination_class = ClaimCursor

    def get_queryset(self):
        claims = Claim.objects.select_related("assignee").prefetch_related("tags")
        if self.action != "list":
            return claims
        filters = s.ClaimFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return claims.filtered(**filters.validated_data)

    @extend_schema(parameters=[s.ClaimFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _act(self, request, serializer_class):
        claim = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        return claim, data.validated_data

    def get_serializer_class(self):
        return s.ClaimSerializer if self.action == "list" else s.ClaimDetailSerializer

    def _claim(self, claim) -> Response:
        claim.refresh_from_db()
        return Response(s.ClaimDetailSerializer(claim, context=self.get_serializer_context()).data)

    @extend_schema(
        request=s.TriageSerializer,
        responses={200: s.ClaimDetailSerializer, 409: OpenApiResponse(description="Illegal transition")},
    )
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        claim, data = self._act(request, s.TriageSerializer)
        transitions.claim_transition(claim=claim, actor=request.user, action=data["action"])
        return self._claim(claim)

    @extend_schema(request=s.AssignSerializer, responses={200: s.ClaimDetailSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        claim, data = self._act(request, s.AssignSerializer)
        assignment.claim_assign(claim=claim, actor=request.user, **data)
        return self._claim(claim)

    @extend_schema(request=s.EvidenceCreateSerializer, responses={201: s.EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        claim, data = self._act(request, s.EvidenceCreateSerializer)
        evidence = verification.evidence_add(claim=claim, actor=request.user, **data)
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VerdictSerializer, responses={200: s.ClaimDetailSerializer})
    @action(detail=True, methods=["post"])
    def verdict(self, request, pk=None):
        claim, data = self._act(request, s.VerdictSerializer)
        verification.verdict_submit(claim=claim, actor=request.user, **data)
        return self._claim(claim)

    @extend_schema(request=s.BlindRatingSerializer, responses={200: s.ClaimDetailSerializer})
    @action(detail=True, methods=["post"], url_path="blind-rating")
    def blind_rating(self, request, pk=None):
        """Your own rating before you see the proposed verdict (empty to skip); then GET shows the verdict."""
        claim, data = self._act(request, s.BlindRatingSerializer)
        verification.blind_rating_record(claim=claim, actor=request.user, rating=data["rating"])
        return self._claim(claim)

    @extend_schema(request=s.ReviewSerializer, responses={200: s.ClaimDetailSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        claim, data = self._act(request, s.ReviewSerializer)
        verification.review_submit(claim=claim, actor=request.user, **data)
        return self._claim(claim)

    @extend_schema(responses={200: s.ClaimMatchSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        """Has this claim been checked before? Suggested and linked matches, best first."""
        claim = self.get_object()
        return Response(s.ClaimMatchSerializer(selectors.open_matches().filter(claim=claim), many=True).data)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description="Not approved")},
        parameters=[OpenApiParameter("lang", str, enum=["fr", "en"])],
    )
    @action(detail=True, methods=["get"])
    def claimreview(self, request, pk=None):
        require(request, workflow.can_export)
        claim = self.get_object()
        data = reports.claim_review_for(
            claim, language=_language(request), report_url=report_views.report_url(request, claim.article)
        )
        if data is None:
            raise NotFound("Only approved claims have a ClaimReview.")
        return Response(data)


class ExportViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = IdConverter.regex
    permission_classes = [permissions.IsAuthenticated, IsDeskMember]
    serializer_class = s.ExportJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ExportJob.objects.none()
        return ExportJob.objects.filter(requested_by=self.request.user)

    @extend_schema(request=s.ExportCreateSerializer, responses={202: s.ExportJobSerializer})
    def create(self, request):
        data = s.ExportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = {k: v for k, v in data.validated_data.items() if k in ("format", "language", "bom")}
        filters = {k: v for k, v in data.validated_data.items() if k not in options}
        job = export_request(user=request.user, filters=filters, **options)
        return Response(s.ExportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class CanManageFeeds(permissions.BasePermission):
    message = "Only editors manage the desk's feeds."

    def has_permission(self, request, view) -> bool:
        return workflow.can_manage_feeds(request.user)


class FeedViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The feeds the desk monitors, with their last poll and error: editors only."""

    lookup_value_regex = IdConverter.regex
    permission_classes = [permissions.IsAuthenticated, CanManageFeeds]
    serializer_class = s.FeedSerializer
    queryset = Feed.objects.order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = feed_subscribe(**serializer.validated_data, created_by=self.request.user)
