"""Django-free writers: rows and records in, CSV, JSON Lines and ClaimReview out."""
