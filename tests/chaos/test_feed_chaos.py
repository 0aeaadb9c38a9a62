"""A feed server that hangs, against a real fetch worker on PostgreSQL and Redis.

Beat's task claims the due feeds and sends one poll per feed. The other feeds are polled as soon
as without the hanging one; the hanging feed gives up at the read timeout, records it in words and
backs off. Prints the figures it measured.
"""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from claims.models import Feed
from claims.services.feeds import feeds_poll_due
from tests.chaos.test_chaos import _needs_postgresql_and_redis  # noqa: F401 (autouse: skips or fails without them)
from tests.newsroom import Newsroom, paragraphs, rss
from tests.worker import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

GOOD_FEEDS = 6
READ_TIMEOUT = 3


@pytest.fixture
def fetch_worker(tmp_path):
    worker = Worker(
        tmp_path / "fetch.log",
        settings.CELERY_BROKER_URL,
        queues="fetch",
        env_extra={
            "FACTCHECK_FETCH_ALLOWED_HOSTS": "127.0.0.1",
            "FACTCHECK_FETCH_READ_TIMEOUT": str(READ_TIMEOUT),
            "FACTCHECK_PRELOAD_LANGUAGES": "",
        },
        concurrency=2,
    )
    try:
        yield worker.start()
    finally:
        worker.stop()


def polled(feeds, since) -> bool:
    rows = Feed.objects.filter(pk__in=[f.pk for f in feeds])
    return all(f.last_success_at and f.last_success_at >= since for f in rows)


def poll_round(feeds, worker) -> float:
    Feed.objects.filter(pk__in=[f.pk for f in feeds]).update(next_poll_at=timezone.now())
    since, started = timezone.now(), time.monotonic()
    feeds_poll_due()
    wait_for(lambda: polled(feeds, since), 60, "the good feeds to be polled", worker)
    return time.monotonic() - started


def test_a_hanging_feed_costs_the_others_nothing_and_backs_off(fetch_worker):
    with Newsroom(hang_seconds=30) as newsroom:
        good = []
        for n in range(GOOD_FEEDS):
            body = rss(
                newsroom.base,
                [
                    {
                        "title": f"F{n}",
                        "path": f"/f{n}",
                        "content": "".join(f"<p>{p}</p>" for p in paragraphs(1, f"flux {n}")),
                    }
                ],
            )
            url = newsroom.add(f"/feed{n}.xml", body, content_type="application/rss+xml")
            good.append(Feed.objects.create(url=url))
        first = poll_round(good, fetch_worker)  # the worker's children import what polling needs
        alone = poll_round(good, fetch_worker)  # a 304-free poll of feeds already seen

        hanging = Feed.objects.create(url=newsroom.base + "/hang")
        # The hanging feed is sent first: were feeds polled one after another, every other would wait for it.
        Feed.objects.filter(pk__in=[f.pk for f in good]).update(next_poll_at=timezone.now())
        Feed.objects.filter(pk=hanging.pk).update(next_poll_at=timezone.now() - timedelta(minutes=1))  # most overdue
        since, started = timezone.now(), time.monotonic()
        feeds_poll_due()
        wait_for(lambda: polled(good, since), 60, "the good feeds to be polled", fetch_worker)
        with_hanging = time.monotonic() - started
        wait_for(lambda: Feed.objects.get(pk=hanging.pk).last_error, 60, "the hanging feed's error", fetch_worker)
        hanging_done = time.monotonic() - started

    hanging.refresh_from_db()
    print(
        f"\n{GOOD_FEEDS} feeds polled in {first:.2f} s (first round), {alone:.2f} s alone, "
        f"{with_hanging:.2f} s beside a hanging feed "
        f"(read timeout {READ_TIMEOUT} s, 2 fetch children); the hanging feed gave up after {hanging_done:.2f} s"
    )
    assert with_hanging < alone + READ_TIMEOUT, "the good feeds waited for the hanging one"
    # Stored in the desk's language (LANGUAGE_CODE, French by default), as extraction errors are.
    assert "n’a pas répondu à temps" in hanging.last_error and hanging.consecutive_failures == 1
    assert 50 < (hanging.next_poll_at - timezone.now()).total_seconds() <= 60  # backed off a minute, then 2, 4 …
    good = Feed.objects.filter(pk__in=[g.pk for g in good])
    assert all(f.consecutive_failures == 0 and f.items_ingested == 1 for f in good)
    # A second beat while the feed backs off does not poll it again.
    assert hanging.pk not in feeds_poll_due()
    log = fetch_worker.log.read_text()
    assert log.index(f"Feed {hanging.pk} failed") > log.index(f"Feed {good[0].pk} polled")
