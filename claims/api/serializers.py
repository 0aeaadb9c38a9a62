"""Explicit fields only: nothing reaches a model that a serializer does not name."""

from django.conf import settings
from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from claims import workflow
from claims.converters import MAX_ID
from claims.models import (
    Article,
    Claim,
    ClaimMatch,
    ClaimStatus,
    Evidence,
    EvidenceStance,
    ExportFormat,
    ExportJob,
    FactCheck,
    Feed,
    Rating,
    ReviewDecision,
    Tag,
    Verdict,
)
from claims.validators import query_text, validate_http_url


class QueryTextField(serializers.CharField):
    """A filter from a query string, made safe for any database (claims.validators.query_text)."""

    def to_internal_value(self, data):
        return query_text(super().to_internal_value(data))


@extend_schema_field(OpenApiTypes.URI)
class HttpUrlField(serializers.CharField):
    """A link the desk stores and shows: http(s) only, within the URL columns (claims.validators)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_http_url)


class EntitySerializer(serializers.Serializer):
    text = serializers.CharField()
    label = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="what raised the score (figure, reported, model…); empty for old text")
    params = serializers.DictField(child=serializers.CharField(), help_text="the code's detail (names, figures, who)")
    text = serializers.CharField(help_text="the reason in the request's language")


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name", "colour"]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    tags = TagSerializer(many=True, read_only=True)
    entities = EntitySerializer(many=True, read_only=True)
    reasons = serializers.SerializerMethodField()
    types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "text",
            "wording",
            "start",
            "end",
            "sentence_index",
            "score",
            "reasons",
            "types",
            "claimant",
            "entities",
            "origin",
            "status",
            "assignee",
            "due_date",
            "scorer_version",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, claim) -> list[dict]:
        from claims.templatetags.claims_extras import reason_text

        return [
            {"code": r.get("code", ""), "params": r.get("params") or {}, "text": reason_text(r)}
            if isinstance(r, dict)
            else {"code": "", "params": {}, "text": str(r)}
            for r in claim.reasons or []
        ]


class CurrentVerdictSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Verdict
        fields = ["id", "rating", "summary", "rationale", "author", "submitted_at"]
        read_only_fields = fields


class ClaimDetailSerializer(ClaimSerializer):
    """One claim with its current verdict; null for a reviewer until they rate it blind or skip."""

    verdict = serializers.SerializerMethodField()
    blind = serializers.SerializerMethodField(help_text="True while the verdict is hidden from you")

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "verdict", "blind"]
        read_only_fields = fields

    def _current(self, claim):
        """(current verdict, blind?) read once per claim for both fields."""
        cache = self.__dict__.setdefault("_current_cache", {})
        if claim.pk not in cache:
            verdict, user = workflow.current_verdict(claim), self.context["request"].user
            cache[claim.pk] = (verdict, workflow.is_blind_to(claim=claim, user=user, verdict=verdict))
        return cache[claim.pk]

    @extend_schema_field(CurrentVerdictSerializer(allow_null=True))
    def get_verdict(self, claim):
        verdict, blind = self._current(claim)
        return None if verdict is None or blind else CurrentVerdictSerializer(verdict).data

    def get_blind(self, claim) -> bool:
        return self._current(claim)[1]


class EvidenceSerializer(serializers.ModelSerializer):
    url = HttpUrlField(required=False, allow_blank=True, default="")
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "url", "title", "excerpt", "stance", "note", "added_by", "created_at"]
        read_only_fields = ["id", "added_by", "created_at"]


class ArticleSummarySerializer(serializers.ModelSerializer):
    """An article in the list: without its claims (GET /api/articles/<id>/ has them)."""

    published = serializers.CharField(source="published_display", read_only=True)
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "outlet",
            "url",
            "author",
            "published",
            "language",
            "extraction_status",
            "extraction_error",
            "progress_done",
            "progress_total",
            "claim_threshold",
            "extraction_threshold",
            "tags",
            "created_at",
        ]
        read_only_fields = fields


class ArticleSerializer(ArticleSummarySerializer):
    claims = ClaimSerializer(many=True, read_only=True)

    class Meta(ArticleSummarySerializer.Meta):
        fields = [*ArticleSummarySerializer.Meta.fields, "claims"]
        read_only_fields = fields


class ArticleCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        trim_whitespace=False,
        required=False,
        allow_blank=True,
        default="",
        help_text="The article's text; leave it out and give `url` to have the page fetched by the worker.",
    )
    url = HttpUrlField(required=False, allow_blank=True, default="")
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    # Judged by ingestion's parse_published, like the form and bulk files: 400 {"published": [...]}.
    published = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="YYYY-MM-DD, YYYY-MM or YYYY"
    )
    language = serializers.ChoiceField(choices=["", "fr", "en"], required=False, default="")


class ScoreField(serializers.FloatField):
    """A number, not a JSON boolean (which Python would read as 0 or 1)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class ReextractSerializer(serializers.Serializer):
    threshold = ScoreField(
        min_value=0.0,
        max_value=1.0,
        required=False,
        allow_null=True,
        default=None,
        help_text="The article's own claim threshold from now on (0-1; lower keeps more sentences); "
        "null or left out: the scorer's own line.",
    )


class ArticleCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created = serializers.BooleanField()


class TagSlugField(serializers.SlugField):
    """A tag's slug, as in the pages' `?tag=`: an unknown one is a 400 that says so, not an empty list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("help_text", "a tag's slug (GET /api/claims/ shows each claim's tags)")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        from claims.selectors import tag_choices

        slug = super().to_internal_value(data)
        if slug not in dict(tag_choices()):
            raise serializers.ValidationError(f"No tag “{slug}”.")
        return slug


class ClaimFilterSerializer(serializers.Serializer):
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)
    assignee = QueryTextField(required=False, max_length=150)
    tag = TagSlugField()


class ArticleFilterSerializer(serializers.Serializer):
    tag = TagSlugField()
    language = serializers.ChoiceField(choices=["fr", "en"], required=False)


class TriageSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=workflow.TRIAGE_ACTIONS)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceCreateSerializer(EvidenceSerializer):
    stance = serializers.ChoiceField(choices=EvidenceStance.choices)


class VerdictSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    summary = serializers.CharField()
    rationale = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        if data["decision"] == "send_back" and not data["comment"].strip():
            raise serializers.ValidationError({"comment": "Say what needs to change: the checker reads this."})
        return data


class BlindRatingSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Rating.choices, required=False, allow_blank=True, default="", help_text="Empty: skip the blind rating"
    )


class ReportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["html", "pdf"], required=False, default="html")
    lang = serializers.ChoiceField(choices=["fr", "en"], required=False, default="fr")


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "format",
            "language",
            "bom",
            "filters",
            "status",
            "rows_done",
            "rows_total",
            "error",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != "done":
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(reverse("claims:export-download", args=[job.pk]))


class ExportCreateSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices, default="csv")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    bom = serializers.BooleanField(default=False)
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    checker = QueryTextField(required=False, max_length=150)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    tag = TagSlugField()


class FactCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = FactCheck
        fields = [
            "id",
            "claim_reviewed",
            "url",
            "publisher",
            "headline",
            "rating",
            "rating_text",
            "date_published",
            "language",
        ]
        read_only_fields = fields


class ClaimMatchSerializer(serializers.ModelSerializer):
    """An earlier check this claim repeats: a claim of the desk (its id) or a published fact-check."""

    fact_check = FactCheckSerializer(read_only=True, allow_null=True)
    earlier_rating = serializers.CharField(
        read_only=True, help_text="Approved verdict or published rating; empty if none"
    )

    class Meta:
        model = ClaimMatch
        fields = ["id", "status", "score", "reasons", "earlier_claim", "fact_check", "earlier_rating", "created_at"]
        read_only_fields = fields


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class FeedSerializer(serializers.ModelSerializer):
    url = HttpUrlField(
        max_length=500, validators=[UniqueValidator(Feed.objects.all(), message="The desk already follows this feed.")]
    )
    language = serializers.ChoiceField(choices=["", "fr", "en"], required=False, default="")
    interval_minutes = serializers.IntegerField(required=False, default=30, max_value=7 * 24 * 60)

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "title",
            "outlet",
            "language",
            "interval_minutes",
            "is_active",
            "last_polled_at",
            "last_success_at",
            "last_error",
            "consecutive_failures",
            "next_poll_at",
            "items_seen",
            "items_ingested",
        ]
        read_only_fields = [
            "title",
            "last_polled_at",
            "last_success_at",
            "last_error",
            "consecutive_failures",
            "next_poll_at",
            "items_seen",
            "items_ingested",
        ]

    def validate_interval_minutes(self, value: int) -> int:
        low = settings.FACTCHECK_FEED_MIN_INTERVAL_MINUTES
        if value < low:
            raise serializers.ValidationError(f"Poll at most every {low} minutes.")
        return value
