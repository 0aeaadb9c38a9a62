"""Feeds polled against a real local server: new items become articles once, failures are words and backoff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, ExtractionStatus, Feed, FeedItem, FeedItemOutcome
from claims.services import feeds
from tests.factories import ArticleFactory
from tests.newsroom import Newsroom, paragraphs, rss

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(settings):
    settings.FACTCHECK_FETCH_READ_TIMEOUT = 1
    settings.FACTCHECK_FETCH_DEADLINE = 3
    settings.FACTCHECK_FETCH_MAX_BYTES = 2_000_000
    with Newsroom(hang_seconds=3) as server:
        yield server


@pytest.fixture(autouse=True)
def no_extraction(monkeypatch):
    """What is under test is what reaches the desk, not the NLP: extraction stays queued."""
    from claims.services import extraction

    monkeypatch.setattr(extraction.extract_article, "delay_on_commit", lambda *args: None)


def poll(feed, capture):
    with capture(execute=True):
        feeds.feed_poll_now(feed=feed)
    feed.refresh_from_db()
    return feed


def subscribe(url, **fields):
    return Feed.objects.create(url=url, **fields)


def test_an_rss_feed_becomes_articles_with_the_page_fetched_for_a_summary_only_item(
    newsroom, django_capture_on_commit_callbacks
):
    feed = poll(subscribe(newsroom.base + "/rss.xml", outlet="Le Quotidien"), django_capture_on_commit_callbacks)
    articles = {a.title: a for a in Article.objects.all()}
    assert set(articles) == {"Nouvelle 1", "Nouvelle 2"}
    assert "nouvelle 1" in articles["Nouvelle 1"].body  # from its page
    assert "contenu 2" in articles["Nouvelle 2"].body  # from the feed's own content
    assert newsroom.hits.get("/news/1.html") == 1 and "/news/2.html" not in newsroom.hits
    assert all(a.extraction_status == ExtractionStatus.QUEUED and a.outlet == "Le Quotidien" for a in articles.values())
    assert articles["Nouvelle 1"].published_on.isoformat() == "2024-03-05"
    assert (feed.items_seen, feed.items_ingested, feed.last_error, feed.title) == (2, 2, "", "Le Quotidien Local")
    assert feed.last_polled_at and feed.last_success_at and feed.consecutive_failures == 0
    assert timedelta(minutes=29) < feed.next_poll_at - timezone.now() <= timedelta(minutes=30)


def test_an_atom_feed_becomes_articles(newsroom, django_capture_on_commit_callbacks):
    feed = poll(subscribe(newsroom.base + "/atom.xml"), django_capture_on_commit_callbacks)
    article = Article.objects.get()
    assert article.title == "Ledger 1" and "ledger" in article.body and article.outlet == "The Evening Ledger"
    assert feed.items_ingested == 1


def test_the_second_poll_sends_the_etag_and_a_304_changes_nothing(newsroom, django_capture_on_commit_callbacks):
    feed = poll(subscribe(newsroom.base + "/etag.xml"), django_capture_on_commit_callbacks)
    assert feed.etag == '"v1"' and Article.objects.count() == 2
    feed = poll(feed, django_capture_on_commit_callbacks)
    assert newsroom.headers["/etag.xml"]["If-None-Match"] == '"v1"'
    assert Article.objects.count() == 2 and feed.items_seen == 2 and feed.last_error == ""


def test_items_seen_again_are_not_ingested_twice(newsroom, django_capture_on_commit_callbacks):
    feed = poll(subscribe(newsroom.base + "/rss.xml"), django_capture_on_commit_callbacks)
    feed = poll(feed, django_capture_on_commit_callbacks)
    assert Article.objects.count() == 2 and FeedItem.objects.count() == 2
    assert (feed.items_seen, feed.items_ingested) == (2, 2)
    assert newsroom.hits["/news/1.html"] == 1


def test_an_item_whose_url_or_text_is_already_on_the_desk_is_a_duplicate(newsroom, django_capture_on_commit_callbacks):
    by_url = ArticleFactory(url=newsroom.base + "/news/1.html", body="Un autre texte sur le chômage: 7 %.")
    by_text = ArticleFactory(body="\n".join(paragraphs(1, "contenu 2")))
    feed = poll(subscribe(newsroom.base + "/rss.xml"), django_capture_on_commit_callbacks)
    items = {item.title: item for item in FeedItem.objects.all()}
    assert items["Nouvelle 1"].outcome == FeedItemOutcome.DUPLICATE and items["Nouvelle 1"].article == by_url
    assert items["Nouvelle 2"].outcome == FeedItemOutcome.DUPLICATE and items["Nouvelle 2"].article == by_text
    assert Article.objects.count() == 2 and (feed.items_seen, feed.items_ingested) == (2, 0)


def test_the_same_story_in_two_feeds_is_ingested_once(newsroom, django_capture_on_commit_callbacks):
    copy = newsroom.add(
        "/copy.xml",
        newsroom.pages["/rss.xml"][2].replace(b"<guid>", b"<guid>copy-"),
        content_type="application/rss+xml",
    )
    poll(subscribe(newsroom.base + "/rss.xml"), django_capture_on_commit_callbacks)
    second = poll(subscribe(copy), django_capture_on_commit_callbacks)
    assert Article.objects.count() == 2 and second.items_ingested == 0 and second.items_seen == 2


def test_tracking_parameters_and_fragments_do_not_make_a_new_article():
    assert feeds.canonical_url("HTTPS://News.Example/a?utm_source=x&id=3#top") == "https://news.example/a?id=3"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/500", "answered 500"),
        ("/malformed.xml", "not send a valid RSS or Atom feed"),
        ("/huge?feed", "larger than 2,000,000 bytes"),
        ("/hang", "did not answer in time"),
        ("/loop", "redirected more than 5 times"),
        ("/article.html", "not a feed (RSS or Atom)"),
        ("/redirect?to=http://127.0.0.2:1/feed.xml", "private network"),
    ],
)
def test_a_failing_feed_records_the_reason_in_words_and_backs_off(
    newsroom, django_capture_on_commit_callbacks, path, words
):
    feed = poll(subscribe(newsroom.base + path), django_capture_on_commit_callbacks)
    assert words in feed.last_error and feed.consecutive_failures == 1
    assert timedelta(seconds=50) < feed.next_poll_at - timezone.now() <= timedelta(minutes=1)
    feed = poll(feed, django_capture_on_commit_callbacks)
    assert feed.consecutive_failures == 2
    assert timedelta(seconds=110) < feed.next_poll_at - timezone.now() <= timedelta(minutes=2)
    assert Article.objects.count() == 0 and FeedItem.objects.count() == 0


def test_backoff_grows_to_its_cap_and_a_success_resets_it(newsroom, settings, django_capture_on_commit_callbacks):
    feed = subscribe(newsroom.base + "/500", consecutive_failures=20)
    feed = poll(feed, django_capture_on_commit_callbacks)
    cap = timedelta(minutes=settings.FACTCHECK_FEED_MAX_BACKOFF_MINUTES)
    assert cap - timedelta(seconds=10) < feed.next_poll_at - timezone.now() <= cap
    Feed.objects.filter(pk=feed.pk).update(url=newsroom.base + "/rss.xml")
    feed = poll(feed, django_capture_on_commit_callbacks)
    assert feed.consecutive_failures == 0 and feed.last_error == ""


def test_an_item_whose_page_fails_is_recorded_and_the_others_are_ingested(newsroom, django_capture_on_commit_callbacks):
    body = rss(newsroom.base, [{"title": "Perdue", "path": "/404"}, {"title": "Nouvelle 3", "path": "/news/3.html"}])
    url = newsroom.add("/mixed.xml", body, content_type="application/rss+xml")
    feed = poll(subscribe(url), django_capture_on_commit_callbacks)
    failed = FeedItem.objects.get(title="Perdue")
    assert failed.outcome == FeedItemOutcome.FAILED and "404" in failed.error and failed.article is None
    assert Article.objects.get().title == "Nouvelle 3"
    assert "1 items could not be ingested" in feed.last_error and feed.consecutive_failures == 0
    poll(feed, django_capture_on_commit_callbacks)  # the failed item is tried again on the next poll
    assert FeedItem.objects.get(title="Perdue").attempts == 2


def test_due_feeds_are_each_claimed_once_and_paused_or_later_ones_wait(newsroom, monkeypatch):
    sent = []
    monkeypatch.setattr(feeds.poll_feed, "delay_on_commit", lambda pk, token: sent.append((pk, token)))
    due = subscribe(newsroom.base + "/rss.xml")
    subscribe(newsroom.base + "/atom.xml", is_active=False)
    subscribe(newsroom.base + "/etag.xml", next_poll_at=timezone.now() + timedelta(minutes=5))
    assert feeds.feeds_poll_due() == [due.pk]
    assert feeds.feeds_poll_due() == []  # a second beat finds it claimed
    assert len(sent) == 1 and Feed.objects.get(pk=due.pk).poll_token == sent[0][1]


def test_a_stale_or_repeated_poll_message_does_nothing(newsroom, django_capture_on_commit_callbacks):
    feed = poll(subscribe(newsroom.base + "/rss.xml"), django_capture_on_commit_callbacks)
    assert feeds.feed_poll(feed_id=feed.pk, token="") is False
    assert feeds.feed_poll(feed_id=feed.pk, token="stale") is False
    assert newsroom.hits["/rss.xml"] == 1


def test_a_poll_that_fails_halfway_keeps_whole_items_only(newsroom, monkeypatch, django_capture_on_commit_callbacks):
    """The second item's save breaks: the first stays whole, nothing of the second is kept."""
    real = feeds.article_extraction_queue
    calls = []

    def breaks_on_second(*, article):
        calls.append(article.pk)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        real(article=article)

    monkeypatch.setattr(feeds, "article_extraction_queue", breaks_on_second)
    with pytest.raises(RuntimeError):
        poll(subscribe(newsroom.base + "/rss.xml"), django_capture_on_commit_callbacks)
    assert Article.objects.count() == 1 and FeedItem.objects.count() == 1
    assert FeedItem.objects.get().article == Article.objects.get()
    assert Feed.objects.get().items_ingested == 1


def test_a_poll_out_of_time_keeps_no_etag_and_comes_back_for_the_rest(
    newsroom, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 0  # out of time after the first item
    feed = poll(subscribe(newsroom.base + "/etag.xml"), django_capture_on_commit_callbacks)
    assert Article.objects.count() == 0 and feed.etag == ""
    assert "stopped after 0 of 2 items" in feed.last_error
    assert timedelta(seconds=50) < feed.next_poll_at - timezone.now() <= timedelta(minutes=1)
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 300
    feed = poll(feed, django_capture_on_commit_callbacks)
    assert Article.objects.count() == 2 and feed.etag == '"v1"' and feed.last_error == ""
