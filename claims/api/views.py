"""The REST API: the same services and workflow as the pages, the same access rules."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from claims import reports, selectors, workflow
from claims.api import serializers as s
from claims.converters import IdConverter
from claims.models import Article, Claim, ExportJob
from claims.services import assignment, transitions, verification
from claims.services.exports import export_request
from claims.services.ingestion import ArticleInput, article_ingest
from claims.views import reports as report_views
from claims.views.access import require_role


class IsDeskMember(permissions.BasePermission):
    message = "You have no role on this desk."

    def has_permission(self, request, view) -> bool:
        return workflow.is_desk_member(request.user)


class ClaimCursor(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ArticleViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = IdConverter.regex
    permission_classes = [permissions.IsAuthenticated, IsDeskMember]
    serializer_class = s.ArticleSerializer

    def get_queryset(self):
        return Article.objects.prefetch_related("claims__assignee")

    @extend_schema(request=s.ArticleCreateSerializer, responses={201: s.ArticleCreatedSerializer})
    def create(self, request):
        require_role(request, "manage_articles")
        data = s.ArticleCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = article_ingest(data=ArticleInput(**data.validated_data), submitted_by=request.user)
        body = {"id": result.article.pk, "status": result.article.extraction_status, "created": result.created}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def claimreview(self, request, pk=None):
        require_role(request, "export_reports")
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
        require_role(request, "export_reports")
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
        claims = Claim.objects.select_related("assignee")
        if self.action != "list":
            return claims
        filters = s.ClaimFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if "article" in data:
            claims = claims.filter(article_id=data["article"])
        if "status" in data:
            claims = claims.filter(status=data["status"])
        if data.get("assignee"):
            claims = claims.filter(assignee__username=data["assignee"])
        return claims

    @extend_schema(parameters=[s.ClaimFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _act(self, request, serializer_class):
        claim = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        return claim, data.validated_data

    def _claim(self, claim) -> Response:
        claim.refresh_from_db()
        return Response(s.ClaimSerializer(claim).data)

    @extend_schema(
        request=s.TriageSerializer,
        responses={200: s.ClaimSerializer, 409: OpenApiResponse(description="Illegal transition")},
    )
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        claim, data = self._act(request, s.TriageSerializer)
        transitions.claim_transition(claim=claim, actor=request.user, action=data["action"])
        return self._claim(claim)

    @extend_schema(request=s.AssignSerializer, responses={200: s.ClaimSerializer})
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

    @extend_schema(request=s.VerdictSerializer, responses={200: s.ClaimSerializer})
    @action(detail=True, methods=["post"])
    def verdict(self, request, pk=None):
        claim, data = self._act(request, s.VerdictSerializer)
        verification.verdict_submit(claim=claim, actor=request.user, **data)
        return self._claim(claim)

    @extend_schema(request=s.ReviewSerializer, responses={200: s.ClaimSerializer})
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
        require_role(request, "export_reports")
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
        filters = {k: v for k, v in data.validated_data.items() if k != "format"}
        job = export_request(user=request.user, format=data.validated_data["format"], filters=filters)
        return Response(s.ExportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
