from claims.models.accounts import SessionEpoch
from claims.models.articles import Article, ExtractionStatus, Language
from claims.models.claims import Claim, ClaimOrigin, ClaimStatus, ClaimType, DateOn
from claims.models.exports import ExportFormat, ExportJob, ExportStatus
from claims.models.history import ClaimEvent
from claims.models.matching import ClaimMatch, FactCheck, MatchStatus
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
    "ClaimStatus",
    "ClaimType",
    "Comment",
    "DateOn",
    "Evidence",
    "ExportFormat",
    "ExportJob",
    "ExportStatus",
    "EvidenceStance",
    "ExtractionStatus",
    "FactCheck",
    "Language",
    "MatchStatus",
    "Rating",
    "Review",
    "ReviewDecision",
    "SessionEpoch",
    "Verdict",
]
