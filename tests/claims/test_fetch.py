"""The guarded fetcher against a real local server: every failure named in words, private addresses refused."""

import socket
import time

import pytest

from claims import fetch
from tests.newsroom import Newsroom

POLICY = fetch.Policy(
    user_agent="FactcheckDesk/test (+http://desk.test)",
    connect_timeout=2,
    read_timeout=1,
    deadline=5,
    max_bytes=1_000_000,
    max_redirects=5,
    allowed_hosts=frozenset({"127.0.0.1"}),
)


@pytest.fixture
def newsroom():
    with Newsroom(hang_seconds=4) as server:
        yield server


def stub_resolver(*addresses):
    def resolve(host, port, type=0):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    return resolve


def test_a_page_is_fetched_with_the_desks_user_agent(newsroom):
    page = fetch.fetch(newsroom.base + "/article.html", policy=POLICY)
    assert page.status == 200 and page.content_type == "text/html"
    assert "La ministre et le chômage" in page.body.decode()
    assert newsroom.headers["/article.html"]["User-Agent"] == "FactcheckDesk/test (+http://desk.test)"


def test_a_feed_is_sent_back_its_etag_and_a_304_has_no_body(newsroom):
    first = fetch.fetch(newsroom.base + "/etag.xml", policy=POLICY, accept=fetch.FEED_TYPES)
    assert first.etag == '"v1"' and first.last_modified and first.body.startswith(b"<?xml")
    second = fetch.fetch(
        newsroom.base + "/etag.xml",
        policy=POLICY,
        accept=fetch.FEED_TYPES,
        etag=first.etag,
        last_modified=first.last_modified,
    )
    assert second.not_modified is True and second.body == b""
    assert newsroom.headers["/etag.xml"]["If-None-Match"] == '"v1"'
    assert newsroom.headers["/etag.xml"]["If-Modified-Since"] == first.last_modified


def test_a_server_error_is_named_and_may_pass(newsroom):
    with pytest.raises(fetch.FetchHTTPError, match="500") as error:
        fetch.fetch(newsroom.base + "/500", policy=POLICY)
    assert error.value.transient is True


def test_a_missing_page_is_named_and_will_not_pass(newsroom):
    with pytest.raises(fetch.FetchHTTPError, match="404") as error:
        fetch.fetch(newsroom.base + "/404", policy=POLICY)
    assert error.value.transient is False


def test_a_page_that_is_not_html_is_refused(newsroom):
    with pytest.raises(fetch.FetchWrongType, match="text/plain"):
        fetch.fetch(newsroom.base + "/text.txt", policy=POLICY)


def test_a_50_mb_body_is_cut_off_at_the_cap_without_reading_it_all(newsroom):
    started = time.monotonic()
    with pytest.raises(fetch.FetchTooLarge, match="1,000,000 bytes"):
        fetch.fetch(newsroom.base + "/huge?html", policy=POLICY)
    assert time.monotonic() - started < 3
    time.sleep(0.2)
    # The server could push a little more into the socket's buffers, never the 50 MB.
    assert newsroom.huge_sent < 10 * 1024 * 1024


def test_a_declared_length_over_the_cap_is_refused_before_reading(newsroom):
    url = newsroom.add("/big.html", b"<p>" + b"y" * 2_000_000 + b"</p>")
    with pytest.raises(fetch.FetchTooLarge, match="2,000,007 bytes"):
        fetch.fetch(url, policy=POLICY)


def test_a_server_that_hangs_times_out_in_words(newsroom):
    started = time.monotonic()
    with pytest.raises(fetch.FetchTimeout, match="did not answer in time") as error:
        fetch.fetch(newsroom.base + "/hang", policy=POLICY)
    assert 0.9 < time.monotonic() - started < 3
    assert error.value.transient is True


def test_an_endless_redirect_stops_after_five(newsroom):
    with pytest.raises(fetch.FetchTooManyRedirects, match="more than 5 times"):
        fetch.fetch(newsroom.base + "/loop", policy=POLICY)
    assert newsroom.hits["/loop"] == 6  # the first request and five redirects followed


def test_a_redirect_is_followed_when_it_stays_public_or_allowed(newsroom):
    page = fetch.fetch(newsroom.base + "/redirect?to=/article.html", policy=POLICY)
    assert page.url == newsroom.base + "/article.html" and "chômage" in page.body.decode()


@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/article.html", "http://localhost:{port}/article.html"])
def test_a_redirect_to_a_loopback_address_outside_the_allow_list_is_refused(newsroom, target):
    url = newsroom.base + "/redirect?to=" + target.format(port=newsroom.port)
    with pytest.raises(fetch.FetchRefusedAddress, match="private network or this machine"):
        fetch.fetch(url, policy=POLICY)
    assert "/article.html" not in newsroom.hits


def test_loopback_itself_is_refused_when_not_allowed(newsroom):
    with pytest.raises(fetch.FetchRefusedAddress, match="127.0.0.1"):
        fetch.fetch(newsroom.base + "/article.html", policy=POLICY.__class__(user_agent="x"))
    assert "/article.html" not in newsroom.hits


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "224.0.0.1",
        "0.0.0.0",  # noqa: S104
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "100.64.0.1",
        "240.0.0.1",
    ],
)
def test_private_link_local_multicast_and_reserved_addresses_are_refused(address):
    with pytest.raises(fetch.FetchRefusedAddress):
        fetch.fetch("http://news.example/a", policy=POLICY, resolver=stub_resolver(address))


def test_a_name_with_one_private_address_among_public_ones_is_refused():
    with pytest.raises(fetch.FetchRefusedAddress, match="10.1.2.3"):
        fetch.fetch("http://news.example/a", policy=POLICY, resolver=stub_resolver("93.184.216.34", "10.1.2.3"))


def test_public_addresses_pass_the_guard():
    assert fetch.address_refused("93.184.216.34") is False
    assert fetch.address_refused("2606:2800:220:1:248:1893:25c8:1946") is False


def test_the_connection_goes_to_the_address_that_was_checked_with_the_name_as_host(newsroom):
    """No second DNS lookup between check and connect: a rebinding answer cannot slip in."""
    answers = iter([stub_resolver("127.0.0.1")])

    def once(host, port, type=0):
        return next(answers)(host, port, type=type)  # a second lookup would raise StopIteration

    allowed = fetch.Policy(user_agent="x", read_timeout=2, allowed_hosts=frozenset({"desk-news.test"}))
    page = fetch.fetch(f"http://desk-news.test:{newsroom.port}/article.html", policy=allowed, resolver=once)
    assert b"ch\xc3\xb4mage" in page.body
    assert newsroom.headers["/article.html"]["Host"] == f"desk-news.test:{newsroom.port}"


@pytest.mark.parametrize(
    "url", ["ftp://example.org/file", "file:///etc/passwd", "gopher://x", "http://", "http://[::1"]
)
def test_only_http_and_https_addresses_are_fetched(url):
    with pytest.raises(fetch.FetchBadURL):
        fetch.fetch(url, policy=POLICY)


def test_an_unknown_name_is_named():
    def unknown(host, port, type=0):
        raise socket.gaierror("Name or service not known")

    with pytest.raises(fetch.FetchConnectionError, match="was not found"):
        fetch.fetch("http://no-such-host.invalid/", policy=POLICY, resolver=unknown)


def test_a_refused_connection_is_named_and_may_pass():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(fetch.FetchConnectionError, match="could not be reached") as error:
            fetch.fetch(f"http://127.0.0.1:{port}/", policy=POLICY)
    assert error.value.transient is True
