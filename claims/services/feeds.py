"""Feeds the desk monitors: polled by beat, each new item ingested like any article.

Beat runs `feeds_poll_due` every minute. It claims each due feed with a conditional UPDATE (a
token, and `next_poll_at` pushed past the task's time limit as a lease) and sends one task per
feed, so no feed waits behind another and two beats never poll a feed twice; a poll whose worker
died is taken again when the lease ends.

A poll is a conditional GET (ETag, Last-Modified) through the guarded fetcher. Items are
deduplicated by GUID (per feed), then by canonical URL and by the hash of their text (across the
whole desk). An item that carries only a summary has its page fetched and read by trafilatura.
Each item is saved in its own transaction, article, queued extraction and item row together:
a failure halfway through a feed leaves the items before it whole and nothing of the failed one.

A feed that fails (timeout, HTTP error, malformed XML, too large, endless redirect) keeps the
reason in words and is polled again after 1, 2, 4 … minutes, at most
FACTCHECK_FEED_MAX_BACKOFF_MINUTES; its first success resets it to its own interval.
"""

import hashlib
import logging
import time
import uuid
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.sax import SAXException

import feedparser
import trafilatura
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import html as lxml_html

from claims import fetch
from claims.models import Article, Feed, FeedItem, FeedItemOutcome
from claims.models.articles import content_hash
from claims.services.extraction import article_extraction_queue
from claims.services.ingestion import ArticleInput, IngestionError, _article_from_input
from claims.services.links import fetch_policy, page_input
from claims.tasks import poll_feed

logger = logging.getLogger(__name__)

ITEM_ATTEMPTS = 3  # an item whose page could not be had is tried again on this many polls
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "xtor")


class FeedError(Exception):
    """A feed cannot be read; the message says why in words."""


def feed_subscribe(
    *,
    url: str,
    outlet: str = "",
    language: str = "",
    interval_minutes: int = 30,
    is_active: bool = True,
    created_by=None,
) -> Feed:
    feed = Feed.objects.create(
        url=url,
        outlet=outlet,
        language=language,
        interval_minutes=interval_minutes,
        is_active=is_active,
        created_by=created_by,
        next_poll_at=timezone.now(),
    )
    if feed.is_active:
        feed_poll_now(feed=feed)
    return feed


def feed_edit(*, feed: Feed, data: dict) -> Feed:
    """Save an editor's changes; a changed address starts over (no ETag, no backoff) and is polled soon."""
    url_changed = data["url"] != Feed.objects.values_list("url", flat=True).get(pk=feed.pk)
    for name, value in data.items():
        setattr(feed, name, value)
    if url_changed:
        feed.etag, feed.last_modified, feed.consecutive_failures, feed.last_error = "", "", 0, ""
        feed.next_poll_at = timezone.now()
    feed.save()
    return feed


def feed_set_active(*, feed: Feed, active: bool) -> None:
    """Pause or resume; a resumed feed is polled at the next beat."""
    Feed.objects.filter(pk=feed.pk).update(is_active=active, next_poll_at=timezone.now(), updated_at=timezone.now())
    feed.is_active = active


def feed_poll_now(*, feed: Feed) -> None:
    """Send a poll of this feed now, whatever its schedule."""
    with transaction.atomic():
        _claim_and_send(Feed.objects.filter(pk=feed.pk), feed.pk)


def feeds_poll_due() -> list[int]:
    """Send one poll task per active feed that is due; returns the ids sent."""
    now = timezone.now()
    sent = []
    due = Feed.objects.filter(is_active=True, next_poll_at__lte=now).order_by("next_poll_at")  # most overdue first
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            if _claim_and_send(Feed.objects.filter(pk=pk, is_active=True, next_poll_at__lte=now), pk):
                sent.append(pk)
    return sent


def feeds_poll_here(*, ids: list[int] | None = None) -> list[Feed]:
    """Poll in this process, one after another (the `poll_feeds` command): the given feeds, or the due ones."""
    due = Feed.objects.filter(is_active=True, next_poll_at__lte=timezone.now())
    rows = Feed.objects.filter(pk__in=ids) if ids else due
    polled = []
    for pk in rows.values_list("pk", flat=True):
        token = _claim(rows.filter(pk=pk))
        if token and feed_poll(feed_id=pk, token=token):
            polled.append(Feed.objects.get(pk=pk))
    return polled


def _claim(rows) -> str:
    """Claim the feed for one poll: a token, and its next poll pushed past the task's time limit (a lease)."""
    token = uuid.uuid4().hex
    lease = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return token if rows.update(poll_token=token, next_poll_at=lease) else ""


def _claim_and_send(rows, pk: int) -> bool:
    token = _claim(rows)
    if token:
        poll_feed.delay_on_commit(pk, token)
    return bool(token)


def feed_poll(*, feed_id: int, token: str) -> bool:
    """Poll the feed if `token` is still its own: fetch, ingest its new items, record the outcome."""
    now = timezone.now()
    if not token or not Feed.objects.filter(pk=feed_id, poll_token=token).update(poll_token="", last_polled_at=now):
        logger.info("Feed %s: poll token %s is stale or the feed is gone; dropped", feed_id, token)
        return False
    feed = Feed.objects.get(pk=feed_id)
    started = time.monotonic()
    try:
        response = fetch.fetch(
            feed.url, policy=fetch_policy(), accept=fetch.FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified
        )
        entries = [] if response.not_modified else _entries(feed, response)
    except (fetch.FetchError, FeedError) as error:
        _record_failure(feed, str(error))
        return True
    failures, done = [], 0
    budget = settings.CELERY_TASK_SOFT_TIME_LIMIT / 2  # items whose pages are slow must not run past the limit
    for entry in entries:
        if time.monotonic() - started > budget:
            break
        if problem := _ingest_entry(feed, entry):
            failures.append(problem)
        done += 1
    if done < len(entries):
        _record_cut_short(feed, done, len(entries))
        return True
    _record_success(feed, response, failures)
    logger.info(
        "Feed %s polled in %.2f s: %s items, %s failed",
        feed_id,
        time.monotonic() - started,
        len(entries),
        len(failures),
    )
    return True


def _entries(feed: Feed, response: fetch.Response) -> list:
    parsed = feedparser.parse(
        response.body, response_headers={"content-location": response.url, "content-type": response.content_type}
    )
    reason = parsed.get("bozo_exception")
    # Not well-formed XML is refused whole (feedparser's lenient reading would guess at items);
    # lesser faults, such as a declared encoding that is wrong, are read through.
    if isinstance(reason, SAXException) or not parsed.get("version"):
        raise FeedError(
            _("The address does not send a valid RSS or Atom feed (%(reason)s).")
            % {"reason": str(reason)[:200] if reason else _("no feed found in the document")}
        )
    if not feed.title and parsed.feed.get("title"):
        feed.title = parsed.feed["title"][:300]
        Feed.objects.filter(pk=feed.pk).update(title=feed.title)
    # Oldest first, so the desk's newest article is the feed's newest item.
    return list(reversed(parsed.entries[: settings.FACTCHECK_FEED_MAX_ITEMS]))


def _ingest_entry(feed: Feed, entry) -> str:
    """Ingest one item if it is new; returns the reason it failed in words, or ""."""
    guid = _guid(entry)
    known = FeedItem.objects.filter(feed=feed, guid=guid).first()
    if known is not None and (known.outcome != FeedItemOutcome.FAILED or known.attempts >= ITEM_ATTEMPTS):
        return ""
    link = canonical_url(entry.get("link", ""))
    title = (entry.get("title") or "")[:500]
    item = known or FeedItem(feed=feed, guid=guid, url=link[:500], title=title, attempts=0)
    item.attempts += 1
    try:
        outcome, article = _article_for_entry(feed, entry, link)
    except (fetch.FetchError, IngestionError) as error:
        _save_item(item, FeedItemOutcome.FAILED, None, error=str(error), new=known is None)
        return str(error)
    _save_item(item, outcome, article, new=known is None)
    return ""


def _article_for_entry(feed: Feed, entry, link: str) -> tuple[str, Article]:
    """The article the entry brings, saved with its extraction queued; or the one already on the desk."""
    twin = _article_at(link)
    if twin is not None:
        return FeedItemOutcome.DUPLICATE, twin
    data = _input_from_entry(feed, entry, link)
    if data.url and data.url != link and (twin := _article_at(data.url)):
        return FeedItemOutcome.DUPLICATE, twin
    judged = _article_from_input(data, None)
    twin = Article.objects.filter(content_hash=content_hash(judged.body)).first()
    if twin is not None:
        return FeedItemOutcome.DUPLICATE, twin
    return FeedItemOutcome.INGESTED, judged


def _save_item(item: FeedItem, outcome: str, article: Article | None, *, error: str = "", new: bool) -> None:
    """The item, its article and the feed's counts, all or nothing."""
    try:
        with transaction.atomic():
            if outcome == FeedItemOutcome.INGESTED:
                article.save()
                article_extraction_queue(article=article)
            item.outcome, item.article, item.error = outcome, article, error
            item.save()
            counts = {"items_seen": F("items_seen") + 1} if new else {}
            if outcome == FeedItemOutcome.INGESTED:
                counts["items_ingested"] = F("items_ingested") + 1
            if counts:
                Feed.objects.filter(pk=item.feed_id).update(**counts)
    except IntegrityError:
        # The same text or item saved meanwhile by another poll: nothing of this one was kept.
        logger.info("Feed %s: item %s was saved meanwhile", item.feed_id, item.guid)


def _input_from_entry(feed: Feed, entry, link: str) -> ArticleInput:
    content = entry.get("content") or []
    full = max((part.get("value", "") for part in content), key=len, default="")
    if full.strip():
        data = ArticleInput(body=html_text(full), url=link)
    elif link:
        data = page_input(link)  # only a summary: the page holds the text
        data.url = canonical_url(data.url) if data.url else link
    else:
        data = ArticleInput(body=html_text(entry.get("summary", "")))
    data.title = (entry.get("title") or data.title or "")[:500]
    data.outlet = feed.outlet or data.outlet or feed.title
    data.language = feed.language
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    if published:
        data.published = time.strftime("%Y-%m-%d", published)
    return data


def _article_at(url: str) -> Article | None:
    if not url:
        return None
    item = FeedItem.objects.filter(url=url[:500], article__isnull=False).select_related("article").first()
    return item.article if item else Article.objects.filter(url=url).first()


def _guid(entry) -> str:
    guid = entry.get("id") or entry.get("link") or (entry.get("title", "") + entry.get("summary", ""))
    return guid if len(guid) <= 255 else "sha256:" + hashlib.sha256(guid.encode()).hexdigest()


def canonical_url(url: str) -> str:
    """The address an article is known by: lower-case scheme and host, no fragment, no tracking parameters."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https"):
        return ""
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def html_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed's content), one paragraph per line."""
    text = trafilatura.extract(f"<html><body><article>{fragment}</article></body></html>", favor_recall=True)
    if text:
        return text
    try:
        tree = lxml_html.fromstring(f"<div>{fragment}</div>")
    except Exception:  # not even HTML: plain text
        return fragment.strip()
    for block in tree.iter("p", "br", "li", "h1", "h2", "h3", "h4", "div"):
        block.tail = "\n" + (block.tail or "")
    return "\n".join(line.strip() for line in tree.text_content().split("\n") if line.strip())


def _record_success(feed: Feed, response: fetch.Response, failures: list[str]) -> None:
    now = timezone.now()
    error = ""
    if failures:
        error = _("%(count)s items could not be ingested; the last: %(reason)s") % {
            "count": len(failures),
            "reason": failures[-1],
        }
    Feed.objects.filter(pk=feed.pk).update(
        etag=(response.etag or feed.etag)[:500],
        last_modified=(response.last_modified or feed.last_modified)[:100],
        last_success_at=now,
        last_error=error,
        consecutive_failures=0,
        next_poll_at=now + timedelta(minutes=feed.interval_minutes),
        updated_at=now,
    )


def _record_cut_short(feed: Feed, done: int, total: int) -> None:
    """Out of time with items left: keep no ETag (a 304 would hide them) and come back in a minute."""
    now = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(
        last_error=_("The poll stopped after %(done)s of %(total)s items to stay within its time; the rest come next.")
        % {"done": done, "total": total},
        last_success_at=now,
        consecutive_failures=0,
        next_poll_at=now + timedelta(minutes=1),
        updated_at=now,
    )


def _record_failure(feed: Feed, reason: str) -> None:
    failures = feed.consecutive_failures + 1
    wait = min(2 ** min(failures - 1, 20), settings.FACTCHECK_FEED_MAX_BACKOFF_MINUTES)
    now = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(
        last_error=reason,
        consecutive_failures=failures,
        next_poll_at=now + timedelta(minutes=wait),
        updated_at=now,
    )
    logger.warning("Feed %s failed (%s in a row; next try in %s min): %s", feed.pk, failures, wait, reason)
