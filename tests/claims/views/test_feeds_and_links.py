"""The feed pages and the article form's link, as each role; refusals change nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Article, ExtractionStatus, Feed
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "checker", "other_checker", "editor", "superuser"]
EDITORS = {"editor", "superuser"}


@pytest.fixture(autouse=True)
def nothing_leaves(monkeypatch):
    """Pages are under test: the fetch and poll tasks are recorded, not run."""
    from claims.services import extraction, feeds, links

    sent = []
    monkeypatch.setattr(links.fetch_article, "delay_on_commit", lambda *a: sent.append(("fetch", *a)))
    monkeypatch.setattr(feeds.poll_feed, "delay_on_commit", lambda *a: sent.append(("poll", *a)))
    monkeypatch.setattr(extraction.extract_article, "delay_on_commit", lambda *a: sent.append(("extract", *a)))
    return sent


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if person is not None:
        client.force_login(person)
    return client


def snapshot():
    return list(Feed.objects.values()), Article.objects.count()


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_see_and_change_feeds(role, people, nothing_leaves):
    feed = Feed.objects.create(url="http://127.0.0.1:9/feed.xml", outlet="Local")
    client = client_for(people[role])
    before = snapshot()
    pages = [reverse("claims:feed-list"), feed.get_absolute_url()]
    posts = [
        (reverse("claims:feed-list"), {"url": "http://127.0.0.1:9/b.xml", "interval_minutes": 30, "is_active": "on"}),
        (feed.get_absolute_url(), {"url": feed.url, "outlet": "Changed", "interval_minutes": 60}),
        (reverse("claims:feed-poll", args=[feed.pk]), {}),
        (reverse("claims:feed-set-active", args=[feed.pk]), {"active": "0"}),
    ]
    statuses = [client.get(url).status_code for url in pages]
    statuses += [client.post(url, data).status_code for url, data in posts]
    if role in EDITORS:
        assert statuses == [200, 200, 302, 302, 302, 302]
        feed.refresh_from_db()
        assert feed.outlet == "Changed" and feed.interval_minutes == 60 and feed.is_active is False
        assert Feed.objects.count() == 2 and [s[0] for s in nothing_leaves] == ["poll", "poll"]
    else:
        expected = 302 if role == "anonymous" else 403
        assert set(statuses) == {expected}
        assert snapshot() == before and nothing_leaves == []


@pytest.mark.parametrize("role", ROLES)
def test_the_feeds_link_is_in_the_navigation_for_editors_only(role, people):
    if people[role] is None:
        return
    page = client_for(people[role]).get(reverse("claims:article-list")).content.decode()
    assert (reverse("claims:feed-list") in page) is (role in EDITORS)


def test_a_feed_page_shows_its_last_error_and_counts(people):
    feed = Feed.objects.create(
        url="http://127.0.0.1:9/feed.xml",
        last_error="The server answered 500 (Internal Server Error).",
        consecutive_failures=3,
        items_seen=12,
        items_ingested=9,
    )
    page = client_for(people["editor"]).get(feed.get_absolute_url()).content.decode()
    assert "The server answered 500" in page and "Failing (3 times in a row)" in page
    assert ">12<" in page and ">9<" in page


def test_the_feed_page_speaks_french(people):
    feed = Feed.objects.create(url="http://127.0.0.1:9/feed.xml", consecutive_failures=1)
    page = client_for(people["editor"]).get(feed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Interroger maintenant" in page and "Éléments vus" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "javascript:alert(1)", "interval_minutes": 30}, "url"),
        ({"url": "http://127.0.0.1:9/feed.xml", "interval_minutes": 1}, "interval_minutes"),
        ({"url": "http://127.0.0.1:9/feed.xml", "interval_minutes": "x" * 100}, "interval_minutes"),
        ({"url": "http://127.0.0.1:9/existing.xml", "interval_minutes": 30}, "url"),
        ({"url": "http://127.0.0.1:9/f.xml", "interval_minutes": 30, "language": "klingon"}, "language"),
    ],
)
def test_a_bad_subscription_is_refused_with_its_field_and_saves_nothing(people, data, field):
    Feed.objects.create(url="http://127.0.0.1:9/existing.xml")
    response = client_for(people["editor"]).post(reverse("claims:feed-list"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert Feed.objects.count() == 1


def test_an_article_given_by_its_url_alone_goes_to_its_page_fetching(people, nothing_leaves):
    client = client_for(people["editor"])
    response = client.post(reverse("claims:article-create"), {"url": "http://127.0.0.1:9/news/a.html"}, follow=True)
    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert article.extraction_status == ExtractionStatus.FETCHING and nothing_leaves[0][:2] == ("fetch", article.pk)
    page = response.content.decode()
    assert "Fetching the page" in page and "its page is being fetched" in page


def test_a_failed_fetch_shows_its_reason_and_an_editor_can_fetch_again(people, nothing_leaves):
    article = ArticleFactory(
        body="",
        url="http://127.0.0.1:9/gone.html",
        extraction_status=ExtractionStatus.FAILED,
        extraction_error="The server answered 404 (Not Found).",
    )
    client = client_for(people["editor"])
    page = client.get(article.get_absolute_url()).content.decode()
    assert "The page could not be fetched:" in page and "404 (Not Found)" in page
    assert client.post(reverse("claims:article-refetch", args=[article.pk])).status_code == 302
    article.refresh_from_db()
    assert article.extraction_status == ExtractionStatus.FETCHING and nothing_leaves[-1][0] == "fetch"


@pytest.mark.parametrize("role", ["outsider", "checker"])
def test_others_cannot_fetch_again(people, role, nothing_leaves):
    article = ArticleFactory(body="", url="http://127.0.0.1:9/gone.html", extraction_status=ExtractionStatus.FAILED)
    assert client_for(people[role]).post(reverse("claims:article-refetch", args=[article.pk])).status_code == 403
    article.refresh_from_db()
    assert article.extraction_status == ExtractionStatus.FAILED and nothing_leaves == []


def test_the_form_without_text_file_or_url_says_all_three(people):
    response = client_for(people["editor"]).post(reverse("claims:article-create"), {"title": "x"})
    assert "or give its URL to fetch it" in response.content.decode() and Article.objects.count() == 0


def test_the_api_takes_a_url_alone(people, nothing_leaves):
    client = APIClient()
    client.force_authenticate(people["editor"])
    response = client.post("/api/articles/", {"url": "http://127.0.0.1:9/news/b.html"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "fetching"
    again = client.post("/api/articles/", {"url": "http://127.0.0.1:9/news/b.html"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    bad = client.post("/api/articles/", {"url": "file:///etc/passwd"}, format="json")
    assert bad.status_code == 400 and "url" in bad.json() and Article.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_list_and_create_feeds_through_the_api(role, people, nothing_leaves):
    Feed.objects.create(url="http://127.0.0.1:9/feed.xml", last_error="The server answered 500.")
    client = APIClient()
    if people[role] is not None:
        client.force_authenticate(people[role])
    listed = client.get("/api/feeds/")
    created = client.post("/api/feeds/", {"url": "http://127.0.0.1:9/new.xml", "outlet": "AFP"}, format="json")
    if role in EDITORS:
        assert listed.status_code == 200 and listed.json()[0]["last_error"] == "The server answered 500."
        assert created.status_code == 201 and created.json()["interval_minutes"] == 30
        assert Feed.objects.count() == 2 and nothing_leaves[0][0] == "poll"
        too_often = client.post("/api/feeds/", {"url": "http://127.0.0.1:9/x", "interval_minutes": 1}, format="json")
        assert too_often.status_code == 400 and "interval_minutes" in too_often.json()
    else:
        assert {listed.status_code, created.status_code} == {401 if role == "anonymous" else 403}
        assert Feed.objects.count() == 1 and nothing_leaves == []


def test_a_feed_address_too_long_to_index_is_refused_in_words(people):
    long = "http://127.0.0.1:9/" + "é" * 600
    response = client_for(people["editor"]).post(reverse("claims:feed-list"), {"url": long, "interval_minutes": 30})
    assert response.status_code == 400 and "url" in response.context["form"].errors and Feed.objects.count() == 0
