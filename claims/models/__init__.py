from claims.models.accounts import SessionEpoch, UserPreferences
from claims.models.articles import Article, ExtractionStatus, Language
from claims.models.claims import OPEN_STATUSES, Claim, ClaimOrigin, ClaimStatus, ClaimType, DateOn
from claims.models.exports import ExportFormat, ExportJob, ExportStatus
from claims.models.feeds import Feed, FeedItem, FeedItemOutcome
from claims.models.history import ClaimEvent
from claims.models.matching import ClaimMatch, FactCheck, MatchStatus
from claims.models.notifications import DIGEST_KINDS, EmailStatus, Notification, NotificationKind
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

__all__ = [
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
]
