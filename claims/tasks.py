"""Thin Celery tasks: take an id, call one service.

Services are imported inside the tasks: the web processes import this module to enqueue
work, and must not pay for importing spaCy (seconds, and memory in every web worker).
"""

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from claims.fetch import FetchConnectionError, FetchHTTPError, FetchTimeout

logger = logging.getLogger(__name__)

# Errors that pass: a lost database connection, the broker out of reach. Exports retry these only.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)

# For idempotent tasks: redelivered if the worker dies; retried on transient database errors only.
IDEMPOTENT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 5,
}


@shared_task(**IDEMPOTENT)
def extract_article(article_id: int, token: str) -> None:
    """Idempotent: a stale or repeated message finds nothing to claim."""
    from claims.services.extraction import article_extract

    article_extract(article_id=article_id, token=token)


@shared_task(**IDEMPOTENT)
def match_article(article_id: int) -> None:
    """Idempotent: a repeated run updates the same match rows."""
    from claims.services.matching import article_match

    article_match(article_id=article_id)


@shared_task(bind=True, **(IDEMPOTENT | {"autoretry_for": TRANSIENT_ERRORS}))
def run_export(self, job_id: int, token: str = "") -> None:
    """Idempotent: a stale or repeated message, or one redelivered while a live worker runs the job, finds nothing."""
    from claims.services.exports import export_run

    export_run(job_id=job_id, token=token, retry=self.request.retries > 0)


# A page that timed out or answered 5xx is tried again after about 30 s, 1, 2 and 4 minutes (the
# service raises only the errors that may pass; it stores the others on the article).
FETCH_RETRIES = {
    "autoretry_for": (OperationalError, FetchTimeout, FetchConnectionError, FetchHTTPError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 4,
}


@shared_task(bind=True, **(IDEMPOTENT | FETCH_RETRIES))
def fetch_article(self, article_id: int, token: str) -> None:
    """Idempotent: the row is claimed by its token; a permanent failure is stored, a passing one retried."""
    from claims.services.links import article_fetch

    article_fetch(article_id=article_id, token=token, last_try=self.request.retries >= self.max_retries)


@shared_task(**IDEMPOTENT)
def poll_feed(feed_id: int, token: str) -> None:
    """Idempotent: the feed is claimed by its token; its failures are stored on it and retried by its schedule."""
    from claims.services.feeds import feed_poll

    feed_poll(feed_id=feed_id, token=token)


@shared_task
def poll_due_feeds() -> None:
    """Periodic (beat, every minute): one poll_feed task per due feed, each feed claimed once."""
    from claims.services.feeds import feeds_poll_due

    feeds_poll_due()


# Email: SMTP errors, refused connections, timeouts (all OSError) are retried 8 times, waits growing to 10 minutes.
EMAIL_RETRIES = {"autoretry_for": (OperationalError, OSError), "retry_backoff_max": 600, "max_retries": 8}


@shared_task(bind=True, **(IDEMPOTENT | EMAIL_RETRIES))
def send_notification_emails(self, notification_ids: list[int]) -> None:
    """Idempotent: each row is claimed before its email goes out, so a redelivered message sends nothing twice."""
    from claims.services.notifications import notification_emails_send

    notification_emails_send(ids=notification_ids, last_try=self.request.retries >= self.max_retries)


@shared_task
def send_due_digest() -> None:
    """Periodic (beat, daily): each checker's claims due tomorrow and overdue; once per day, however often it runs."""
    from claims.services.notifications import notifications_digest

    notifications_digest()


@shared_task
def sweep_notification_emails() -> None:
    """Periodic (beat): queue again emails the broker lost; fail those whose worker died mid-send."""
    from claims.services.notifications import notification_emails_sweep

    notification_emails_sweep(
        queued_for=settings.FACTCHECK_SWEEP_QUEUED_SECONDS, sending_for=settings.CELERY_TASK_TIME_LIMIT + 60
    )


@shared_task
def sweep_articles() -> None:
    """Periodic (beat): re-queue extractions lost by the broker or a dead worker."""
    from claims.services.extraction import articles_sweep
    from claims.services.links import articles_fetch_sweep

    articles_sweep(
        queued_for=settings.FACTCHECK_SWEEP_QUEUED_SECONDS, extracting_for=settings.CELERY_TASK_TIME_LIMIT + 60
    )
    articles_fetch_sweep(fetching_for=settings.FACTCHECK_SWEEP_QUEUED_SECONDS)


@shared_task
def sweep_exports() -> None:
    """Periodic (beat): re-queue exports lost by the broker or a dead worker; fail those tried too often."""
    from claims.services.exports import exports_sweep, running_limit

    exports_sweep(
        queued_for=settings.FACTCHECK_SWEEP_QUEUED_SECONDS,
        running_for=running_limit(),
        max_attempts=settings.FACTCHECK_EXPORT_MAX_ATTEMPTS,
    )


@shared_task(**IDEMPOTENT)
def deliver_webhook(delivery_id: int) -> None:
    """Idempotent: the row is claimed before the POST; a repeated or early message finds nothing to claim.

    Failed attempts are not Celery retries: the row records when it is due again and the
    service queues it with that countdown (the sweeper queues it again if that message is lost).
    """
    from claims.services.webhooks import webhook_deliver

    webhook_deliver(delivery_id=delivery_id)


@shared_task
def sweep_webhooks() -> None:
    """Periodic (beat): queue again deliveries whose message was lost or whose worker died mid-send."""
    from claims.services.webhooks import webhooks_sweep

    webhooks_sweep(sending_for=settings.CELERY_TASK_TIME_LIMIT + 60)


@worker_process_init.connect
def _preload_models(**_kwargs) -> None:
    """Load spaCy and the scorers (the encoder's included) in each pool child before it takes a task.

    worker_proc_alive_timeout (60 s) allows for it: measured, spaCy takes 1-8 s depending on the
    machine's load, the encoder 0.1-0.2 s (its weights are memory-mapped).
    """
    if not settings.FACTCHECK_PRELOAD_LANGUAGES:
        return  # an exports-only worker: no NLP imported at all
    from claims.nlp import models, scorer
    from claims.services.extraction import configure_nlp

    configure_nlp()
    for language in settings.FACTCHECK_PRELOAD_LANGUAGES:
        try:
            models.load(language)
            scorer.preload(language)
        except models.ModelMissing:
            logger.exception("Cannot preload the %s pipeline; its articles will fail with the reason", language)
