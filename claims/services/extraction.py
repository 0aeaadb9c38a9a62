"""An article's extraction, from queueing to stored claims: claimed by token, written in one transaction.

Every door that (re)starts an extraction (ingestion, re-extraction, the sweeper) goes through
`article_extraction_queue`. The NLP package is imported inside the functions that run it, so
the web process can queue work without loading spaCy.
"""

import logging
import time
import uuid
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import Article, Claim, ExtractionStatus, WebhookEvent
from claims.services.webhooks import article_data, webhook_emit
from claims.tasks import extract_article, match_article

logger = logging.getLogger(__name__)

# Progress is written at most once per this many seconds: a bar polled by people needs no more, and
# an UPDATE per chunk of sentences cost a small article as much as its insert. The last step is
# written by the store, in the same transaction as the claims.
PROGRESS_SECONDS = 1.0


class ExtractionRefused(Exception):
    """Re-extraction would erase human work on the article's claims."""


def article_extraction_queue(*, article: Article) -> None:
    """Mark the article queued under a fresh token and send the task once committed.

    Messages carrying an older token are stale and dropped by the worker.
    """
    token = uuid.uuid4().hex
    Article.objects.filter(pk=article.pk).update(
        extraction_status=ExtractionStatus.QUEUED,
        extraction_token=token,
        extraction_error="",
        extraction_queued_at=timezone.now(),
        progress_done=0,
        progress_total=0,
    )
    article.extraction_status, article.extraction_token = ExtractionStatus.QUEUED, token
    extract_article.delay_on_commit(article.pk, token)


def article_extract(*, article_id: int, token: str) -> bool:
    """Extract the article if `token` is still its current one. Returns whether it ran."""
    from claims.nlp import models as nlp_models
    from claims.nlp.pipeline import extract

    claimed = Article.objects.filter(
        pk=article_id,
        extraction_token=token,
        extraction_status__in=[ExtractionStatus.QUEUED, ExtractionStatus.EXTRACTING],
    ).update(
        extraction_status=ExtractionStatus.EXTRACTING,
        extraction_started_at=timezone.now(),
        extraction_error="",
        progress_done=0,
    )
    if not claimed:
        logger.info("Article %s: token %s is stale or the article is gone; dropped", article_id, token)
        return False
    article = Article.objects.get(pk=article_id)
    configure_nlp()
    try:
        result = extract(
            article.body,
            article.language,
            outlet=article.outlet,
            progress=_progress_writer(article_id),
            threshold=article.claim_threshold,
        )
        _store(article, token, result)
    except nlp_models.ModelMissing as error:
        _mark_failed(article_id, token, str(error))
    except SoftTimeLimitExceeded:
        _mark_failed(
            article_id,
            token,
            _(
                "Extraction took longer than %(seconds)s seconds and was stopped. Split the article into parts "
                "and submit each part as an article."
            )
            % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT},
        )
    except OperationalError:
        raise  # transient: the task retries with the same token
    except Exception as error:
        logger.exception("Extraction of article %s failed", article_id)
        _mark_failed(
            article_id, token, _("Extraction failed: %(error)s") % {"error": f"{type(error).__name__}: {error}"}
        )
    return True


def configure_nlp() -> None:
    """Apply the settings to the Django-free NLP package (cheap when nothing changed).

    The encoder keeps the claims' "query: " vectors in the cache (Redis in production, shared
    by the worker's children) for the matching that follows: see `encoder.share`.
    """
    from claims.nlp import encoder, scorer
    from claims.nlp import models as nlp_models

    encoder.share(cache)

    if nlp_models.configured() != settings.FACTCHECK_SPACY_MODELS:
        nlp_models.configure(settings.FACTCHECK_SPACY_MODELS)
    scorer.configure(settings.FACTCHECK_SCORER_DIRS)


def _progress_writer(article_id: int):
    last = float("-inf")  # the first chunk of a long article is written at once: the bar learns its total

    def write(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done < total and now - last >= PROGRESS_SECONDS:
            Article.objects.filter(pk=article_id).update(progress_done=done, progress_total=total)
            last = now

    return write


def _store(article: Article, token: str, result) -> None:
    with transaction.atomic():
        finished = Article.objects.filter(
            pk=article.pk, extraction_token=token, extraction_status=ExtractionStatus.EXTRACTING
        ).update(
            extraction_status=ExtractionStatus.EXTRACTED,
            extraction_finished_at=timezone.now(),
            progress_done=result.sentences,
            progress_total=result.sentences,
            extraction_threshold=result.threshold,
        )
        if not finished:
            logger.info("Article %s was re-queued while extracting; result discarded", article.pk)
            return
        kept_spans = set()
        # A re-extraction (a first one, most, has nothing to keep or replace). The claims are locked first,
        # so a triage or a comment either lands before (and the claim is kept) or waits and finds it gone;
        # the spans still taken are read after the delete: a sentence the desk holds is never added twice.
        if list(article.claims.select_for_update().order_by("pk").values_list("pk", flat=True)):
            article.claims.untouched().delete()
            kept_spans = set(article.claims.values_list("start", "end"))
        Claim.objects.bulk_create(
            [_claim_row(article, c, result.scorer_version) for c in result.claims if (c.start, c.end) not in kept_spans]
        )
        match_article.delay_on_commit(article.pk)
        webhook_emit(
            event=WebhookEvent.ARTICLE_EXTRACTED,
            data={"article": article_data(article), "claims_found": len(result.claims)},
        )


def _claim_row(article: Article, claim, scorer_version: str) -> Claim:
    row = Claim(
        article=article,
        text=claim.text,
        start=claim.start,
        end=claim.end,
        sentence_index=claim.sentence_index,
        score=claim.score,
        reasons=claim.reasons,
        types=claim.types,
        claimant=claim.claimant[:300],
        entities=[e.__dict__ for e in claim.entities],
        scorer_version=scorer_version,
    )
    row.check_offsets(article.body)  # bulk_create skips save(): keep the invariant here
    return row


def _mark_failed(article_id: int, token: str, reason: str) -> None:
    Article.objects.filter(pk=article_id, extraction_token=token).update(
        extraction_status=ExtractionStatus.FAILED,
        extraction_error=reason,
        extraction_finished_at=timezone.now(),
    )


UNCHANGED = object()  # article_reextract(threshold=…) not given: the article keeps its own


def article_reextract(*, article: Article, actor=None, keep_human_work: bool = False, threshold=UNCHANGED) -> None:
    """Queue extraction again. Refused when claims carry human work, unless it is to be kept.

    `threshold` sets the article's own claim threshold (None: back to the scorer's). `actor`, the
    person asking (pages, API, admin), must be allowed by the workflow; commands run without one.
    """
    if actor is not None and not workflow.can_reextract(actor):
        raise workflow.NotAllowed(_("Only the desk's editors can extract an article's claims again."))
    worked = article.claims.with_desk_work()
    if worked.exists() and not keep_human_work:
        raise ExtractionRefused(
            _(
                "%(count)s claims of this article already carry the desk's work. Re-extract keeping "
                "that work (those claims stay as they are) or leave the article as it is."
            )
            % {"count": worked.count()}
        )
    if threshold is not UNCHANGED:
        if threshold is not None and not 0.0 <= float(threshold) <= 1.0:
            raise ValueError(_("A claim threshold is a score between 0 and 1."))
        Article.objects.filter(pk=article.pk).update(claim_threshold=threshold)
        article.claim_threshold = threshold
    if article.awaits_page:  # given by its link, no text yet: fetch the page again first
        from claims.services.links import article_fetch_queue

        article_fetch_queue(article=article)
        return
    article_extraction_queue(article=article)


def articles_sweep(*, queued_for: int, extracting_for: int) -> list[int]:
    """Re-queue articles whose extraction was lost: still queued after `queued_for` seconds
    (the broker lost the message) or extracting after `extracting_for` seconds (the worker
    died past the hard time limit). A fresh token makes any late original message stale."""
    now = timezone.now()
    stuck = Article.objects.filter(
        Q(extraction_status=ExtractionStatus.QUEUED, extraction_queued_at__lt=now - timedelta(seconds=queued_for))
        | Q(
            extraction_status=ExtractionStatus.EXTRACTING,
            extraction_started_at__lt=now - timedelta(seconds=extracting_for),
        )
    )
    swept = []
    for article in stuck.only("pk"):
        with transaction.atomic():
            article_extraction_queue(article=article)
        swept.append(article.pk)
    if swept:
        logger.warning("Re-queued %s articles whose extraction was lost: %s", len(swept), swept)
    return swept
