import logging

from celery import shared_task
from django.db import OperationalError

from claims.services.extraction import article_extract

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def extract_article(article_id: int, token: str) -> None:
    """Idempotent: a stale or repeated message finds nothing to claim."""
    article_extract(article_id=article_id, token=token)
