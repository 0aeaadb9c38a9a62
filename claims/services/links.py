"""Articles given by their link: saved at once as "fetching", their page fetched and read by the worker.

The row exists from the moment the link is given, so the article page can show where the work
stands (fetching, then queued and extracting like any article) and, when the page cannot be had,
why in words. The worker claims the row with its token (as extraction does): a stale or repeated
message finds nothing to do, and the text is written by a conditional UPDATE, once.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import fetch
from claims.models import Article, ExtractionStatus
from claims.models.articles import content_hash
from claims.services.extraction import article_extraction_queue
from claims.services.ingestion import (
    ArticleInput,
    IngestionError,
    IngestResult,
    _article_from_input,
    _checked_url,
    article_input_from_html,
)
from claims.tasks import fetch_article

logger = logging.getLogger(__name__)


def fetch_policy() -> fetch.Policy:
    return fetch.Policy(
        user_agent=settings.FACTCHECK_FETCH_USER_AGENT,
        connect_timeout=settings.FACTCHECK_FETCH_CONNECT_TIMEOUT,
        read_timeout=settings.FACTCHECK_FETCH_READ_TIMEOUT,
        deadline=settings.FACTCHECK_FETCH_DEADLINE,
        max_bytes=settings.FACTCHECK_FETCH_MAX_BYTES,
        max_redirects=settings.FACTCHECK_FETCH_MAX_REDIRECTS,
        allowed_hosts=frozenset(settings.FACTCHECK_FETCH_ALLOWED_HOSTS),
    )


def page_input(url: str) -> ArticleInput:
    """Fetch a web page and read its article; raises FetchError or IngestionError with the reason in words."""
    page = fetch.fetch(url, policy=fetch_policy())
    data = article_input_from_html(page.body, url=page.url)
    data.url = data.url or page.url
    return data


def article_ingest_url(*, url: str, data: ArticleInput | None = None, submitted_by=None) -> IngestResult:
    """Save an article given by its link, to be fetched by the worker; or find the article already there.

    `data` carries what the person gave beside the link (title, outlet, language, date): it wins
    over what the page says.
    """
    data = data or ArticleInput(body="")
    url = _checked_url(url.strip())
    if not url:
        raise IngestionError(_("Give the article's address (http:// or https://)."), field="url")
    existing = Article.objects.filter(url=url).order_by("pk").first()
    if existing is not None:
        if existing.awaits_page and existing.extraction_status == ExtractionStatus.FAILED:
            with transaction.atomic():
                article_fetch_queue(article=existing)
        return IngestResult(existing, created=False)
    article = Article(
        body="",
        url=url,
        title=data.title.strip()[:500],
        outlet=data.outlet.strip()[:200],
        author=data.author.strip()[:300],
        language=data.language.strip().lower()[:8],
        extraction_status=ExtractionStatus.FETCHING,
        submitted_by=submitted_by,
    )
    if data.published:
        from claims.services.ingestion import parse_published

        article.published_on, article.published_precision = parse_published(data.published)
    with transaction.atomic():
        article.save()
        article_fetch_queue(article=article)
    return IngestResult(article, created=True)


def article_refetch_queue(*, article: Article) -> None:
    """Fetch again the page of an article given by its link whose fetch failed."""
    with transaction.atomic():
        article_fetch_queue(article=article)


def article_fetch_queue(*, article: Article) -> None:
    """Mark the article "fetching" under a fresh token and send the fetch once committed."""
    token = uuid.uuid4().hex
    Article.objects.filter(pk=article.pk).update(
        extraction_status=ExtractionStatus.FETCHING,
        extraction_token=token,
        extraction_error="",
        extraction_queued_at=timezone.now(),
    )
    article.extraction_status, article.extraction_token = ExtractionStatus.FETCHING, token
    fetch_article.delay_on_commit(article.pk, token)


def article_fetch(*, article_id: int, token: str, last_try: bool = True) -> bool:
    """Fetch the article's page, store its text and queue its extraction. Returns whether it ran.

    A transient failure (timeout, 5xx, connection refused) is raised again for the task to retry
    unless this is the `last_try`; any other failure is stored on the article in words.
    """
    mine = Article.objects.filter(pk=article_id, extraction_token=token, extraction_status=ExtractionStatus.FETCHING)
    if not mine.update(extraction_started_at=timezone.now()):
        logger.info("Article %s: fetch token %s is stale or the article is gone; dropped", article_id, token)
        return False
    article = Article.objects.get(pk=article_id)
    try:
        found = page_input(article.url)
        judged = _article_from_input(_given_first(article, found), article.submitted_by)
    except fetch.FetchError as error:
        if error.transient and not last_try:
            mine.update(extraction_error=_("%(reason)s Trying again shortly.") % {"reason": error})
            raise
        return _fail(mine, str(error))
    except IngestionError as error:
        return _fail(mine, str(error))
    return _store(mine, article, judged)


def _given_first(article: Article, found: ArticleInput) -> ArticleInput:
    """What the person gave with the link wins over what the page says."""
    for name in ("title", "outlet", "author", "language"):
        if getattr(article, name):
            setattr(found, name, getattr(article, name))
    if article.published_on:
        found.published = article.published_display
    found.url = article.url
    return found


def _store(mine, article: Article, judged: Article) -> bool:
    twin = Article.objects.filter(content_hash=content_hash(judged.body)).exclude(pk=article.pk).first()
    if twin is not None:
        return _fail(mine, _duplicate_message(twin))
    fields = ("body", "title", "outlet", "author", "published_on", "published_precision", "language")
    values = {name: getattr(judged, name) for name in fields}
    try:
        with transaction.atomic():
            if not mine.update(**values, content_hash=content_hash(judged.body), extraction_error=""):
                return False
            article.refresh_from_db()
            article_extraction_queue(article=article)
    except IntegrityError:  # the same text saved by someone else meanwhile
        twin = Article.objects.filter(content_hash=content_hash(judged.body)).first()
        return _fail(mine, _duplicate_message(twin))
    return True


def _fail(mine, message: str) -> bool:
    mine.update(
        extraction_status=ExtractionStatus.FAILED, extraction_error=message, extraction_finished_at=timezone.now()
    )
    return True


def _duplicate_message(twin: Article | None) -> str:
    if twin is None:
        return _("This page's text is already on the desk.")
    return _("This page's text is already on the desk: article %(id)s, “%(title)s”.") % {
        "id": twin.pk,
        "title": twin.title[:120],
    }


def articles_fetch_sweep(*, fetching_for: int) -> list[int]:
    """Send again the fetches lost by the broker or a dead worker: "fetching" for longer than `fetching_for` s."""
    stuck = Article.objects.filter(
        extraction_status=ExtractionStatus.FETCHING,
        extraction_queued_at__lt=timezone.now() - timedelta(seconds=fetching_for),
    )
    swept = []
    for article in stuck.only("pk"):
        with transaction.atomic():
            article_fetch_queue(article=article)
        swept.append(article.pk)
    if swept:
        logger.warning("Re-queued %s articles whose page fetch was lost: %s", len(swept), swept)
    return swept
