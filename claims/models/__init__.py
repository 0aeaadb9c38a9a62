from claims.models.accounts import SessionEpoch, UserPreferences
from claims.models.articles import Article, ExtractionStatus, Language
from claims.models.claims import OPEN_STATUSES, Claim, ClaimOrigin, ClaimStatus, ClaimType, DateOn
from claims.models.exports import ExportFormat, ExportJob, ExportStatus
from claims.models.feeds import Feed, FeedItem, FeedItemOutcome
from claims.models.history import ClaimEvent
from claims.models.matching import ClaimEmbedding, ClaimMatch, FactCheck, FactCheckEmbedding, MatchStatus
from claims.models.notifications import DIGEST_KINDS, EmailStatus, Notification, NotificationKind
from claims.models.tags import ArticleTag, ClaimTag, SavedList, SavedSearch, Tag, TagColour
from claims.models.verification import (
    Assignment,
    BlindRating,
    Comment,
    Evidence,
    EvidenceStance,
    Rating,
    Review,
    ReviewDecision,
    Verdict,
)
from claims.models.webhooks import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "ClaimEmbedding",
    "FactCheckEmbedding",
    "ArticleTag",
    "ClaimTag",
    "SavedList",
    "SavedSearch",
    "Tag",
    "TagColour",
    "Article",
    "Assignment",
    "BlindRating",
    "Claim",
    "ClaimEvent",
    "ClaimMatch",
    "ClaimOrigin",
    "DIGEST_KINDS",
    "ClaimStatus",
    "ClaimType",
    "Comment",
    "DateOn",
    "Evidence",
    "ExportFormat",
    "ExportJob",
    "ExportStatus",
    "EvidenceStance",
    "EmailStatus",
    "ExtractionStatus",
    "FactCheck",
    "Feed",
    "FeedItem",
    "FeedItemOutcome",
    "Language",
    "MatchStatus",
    "Notification",
    "OPEN_STATUSES",
    "NotificationKind",
    "Rating",
    "Review",
    "ReviewDecision",
    "SessionEpoch",
    "UserPreferences",
    "Verdict",
    "DeliveryStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
