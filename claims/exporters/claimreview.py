"""schema.org ClaimReview, the format fact-checkers publish with (and search engines read).

Input is plain data (see `ReviewedClaim`), so this module knows nothing of Django.
"""

from dataclasses import dataclass

BEST, WORST = 5, 1


@dataclass
class ReviewedClaim:
    claim_text: str
    anchor_url: str  # the report page with #claim-<id>
    date_published: str  # ISO date of approval
    language: str
    rating_value: int | None  # None: unverifiable, no numeric value
    rating_name: str  # in the report's language
    claimant: str
    claimant_is_person: bool
    appearance_url: str
    appearance_headline: str
    appearance_outlet: str
    appearance_date: str  # ISO date (or YYYY-MM) of the article
    summary: str = ""


def claim_review(item: ReviewedClaim, *, organisation: str, organisation_url: str) -> dict:
    rating = {"@type": "Rating", "alternateName": item.rating_name, "name": item.rating_name}
    if item.rating_value is not None:
        rating |= {"ratingValue": item.rating_value, "bestRating": BEST, "worstRating": WORST}
    appearance = {"@type": "CreativeWork", "headline": item.appearance_headline}
    if item.appearance_url:
        appearance["url"] = item.appearance_url
    if item.appearance_outlet:
        appearance["publisher"] = {"@type": "Organization", "name": item.appearance_outlet}
    if item.appearance_date:
        appearance["datePublished"] = item.appearance_date
    reviewed = {
        "@type": "Claim",
        "author": {"@type": "Person" if item.claimant_is_person else "Organization", "name": item.claimant},
        "appearance": [appearance],
        "firstAppearance": appearance,
    }
    if item.appearance_date:
        reviewed["datePublished"] = item.appearance_date
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": item.anchor_url,
        "claimReviewed": item.claim_text,
        "datePublished": item.date_published,
        "inLanguage": item.language,
        "author": {
            "@type": "Organization",
            "name": organisation,
            **({"url": organisation_url} if organisation_url else {}),
        },
        "reviewRating": rating,
        "itemReviewed": reviewed,
    }
    if item.summary:
        review["description"] = item.summary
    return review
