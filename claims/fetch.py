"""A guarded HTTP GET for pages and feeds that people name: the desk's only door to the outside.

Django-free apart from gettext: the caller passes a `Policy` (timeouts, size cap, User-Agent,
allowed hosts) built from settings. Every way a fetch can fail is a `FetchError` subclass whose
message says what happened in words, and whether it may pass (`transient`).

Server-side request forgery: a link typed by a person, or a feed item's link, could name an
address inside our network (the database, the cloud's metadata service). Before each request,
the first one and every redirect (followed by hand, at most `max_redirects`), the host is
resolved and refused if any of its addresses is loopback, private, link-local, multicast,
reserved or unspecified; then the connection goes to the very address that was checked, with the
original name in the Host header and for TLS (SNI and certificate), so a DNS answer that changes
between the check and the connect (rebinding) cannot slip through. Hosts listed in
`Policy.allowed_hosts` skip the address check (the tests' local servers).

Bodies are streamed and reading stops past `max_bytes`, counted after decompression, so neither
a 50 MB page nor a gzip bomb is held in memory; a server that trickles bytes is cut off by the
overall `deadline` even when each read returns in time.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.utils.translation import gettext as _

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    # Many servers send feeds as plain text or bytes; feedparser judges the content.
    "text/plain",
    "application/octet-stream",
)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Policy:
    user_agent: str
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch that failed; str() is the reason in words. `transient`: trying later may succeed."""

    transient = False


class FetchTimeout(FetchError):
    transient = True


class FetchConnectionError(FetchError):
    transient = True


class FetchHTTPError(FetchError):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status
        # A server error or "too many requests" may pass; 404, 403, 410 will not.
        self.transient = status >= 500 or status in (408, 429)


class FetchTooLarge(FetchError):
    pass


class FetchWrongType(FetchError):
    pass


class FetchTooManyRedirects(FetchError):
    pass


class FetchRefusedAddress(FetchError):
    pass


class FetchBadURL(FetchError):
    pass


def fetch(
    url: str,
    *,
    policy: Policy,
    accept: tuple[str, ...] = HTML_TYPES,
    etag: str = "",
    last_modified: str = "",
    resolver=socket.getaddrinfo,
) -> Response:
    """GET `url` under `policy`, following redirects by hand; raises a FetchError with the reason in words.

    `accept`: the content types taken (others raise FetchWrongType). `etag`/`last_modified` make the
    request conditional: a 304 comes back as a Response with `not_modified` and no body.
    """
    started = time.monotonic()
    for _hop in range(policy.max_redirects + 1):
        scheme, host, port, target = _split(url)
        address = _checked_address(host, port, policy=policy, resolver=resolver)
        response = _request(scheme, host, port, target, address, policy, etag, last_modified, started)
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            return _finish(url, response, policy=policy, accept=accept, started=started)
        finally:
            response.release_conn()
            response.close()
    raise FetchTooManyRedirects(
        _("The address redirected more than %(count)s times; it may loop. Check the link in a browser.")
        % {"count": policy.max_redirects}
    )


def address_refused(address: str) -> bool:
    """Whether an IP address is one a fetch must never reach: inside our machine or network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchBadURL(_("“%(url)s” is not a web address.") % {"url": url[:200]}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchBadURL(_("Only http:// and https:// addresses can be fetched, not “%(url)s”.") % {"url": url[:200]})
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), target


def _checked_address(host: str, port: int, *, policy: Policy, resolver) -> str:
    """The address to connect to: resolved once, every answer checked, the first one used."""
    try:
        answers = resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchConnectionError(
            _("The server name “%(host)s” was not found. Check the address.") % {"host": host}
        ) from None
    addresses = [answer[4][0] for answer in answers]
    if not addresses:
        raise FetchConnectionError(_("The server name “%(host)s” was not found. Check the address.") % {"host": host})
    if host.lower() not in policy.allowed_hosts:
        refused = [a for a in addresses if address_refused(a)]
        if refused:
            raise FetchRefusedAddress(
                _(
                    "“%(host)s” leads to %(address)s, an address inside a private network or this machine; "
                    "the desk does not fetch from there."
                )
                % {"host": host, "address": refused[0]}
            )
    return addresses[0]


def _request(scheme, host, port, target, address, policy, etag, last_modified, started):
    headers = {
        "Host": host if port in (80, 443) else f"{host}:{port}",
        "User-Agent": policy.user_agent,
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = urllib3.Timeout(connect=policy.connect_timeout, read=_remaining(policy, started, host))
    pool = _pool(scheme, host, port, address, timeout)
    try:
        return pool.urlopen(
            "GET",
            target,
            headers=headers,
            redirect=False,
            preload_content=False,
            retries=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.NewConnectionError:  # before TimeoutError, whose subclass it is
        raise FetchConnectionError(
            _("The server “%(host)s” could not be reached (connection refused or dropped).") % {"host": host}
        ) from None
    except urllib3.exceptions.TimeoutError:
        raise _timeout(host, policy) from None
    except urllib3.exceptions.SSLError:
        raise FetchConnectionError(
            _("The secure connection to “%(host)s” failed: its certificate is not valid.") % {"host": host}
        ) from None
    except urllib3.exceptions.HTTPError:
        raise FetchConnectionError(
            _("The server “%(host)s” could not be reached (connection refused or dropped).") % {"host": host}
        ) from None


def _pool(scheme: str, host: str, port: int, address: str, timeout) -> urllib3.HTTPConnectionPool:
    """A connection to `address` (already checked) that speaks to `host`: TLS name and certificate included."""
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, timeout=timeout, retries=False, maxsize=1
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)


def pinned_pool(url: str, *, policy: Policy, resolver=None) -> tuple[urllib3.HTTPConnectionPool, str, str]:
    """For a request other than a fetch (a webhook's POST): (pool, target, Host header) for `url`,
    its host resolved once, every address checked, the connection made to the checked one (so a DNS
    answer that changes after the check is never used). Raises FetchBadURL or FetchRefusedAddress."""
    scheme, host, port, target = _split(url)
    address = _checked_address(host, port, policy=policy, resolver=resolver or socket.getaddrinfo)
    timeout = urllib3.Timeout(connect=policy.connect_timeout, read=policy.read_timeout)
    return _pool(scheme, host, port, address, timeout), target, host if port in (80, 443) else f"{host}:{port}"


def _finish(url: str, response, *, policy: Policy, accept, started: float) -> Response:
    host = urlsplit(url).hostname
    if response.status == 304:
        return Response(
            url=url,
            status=304,
            content_type="",
            body=b"",
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )
    if response.status >= 400:
        raise FetchHTTPError(
            _("The server answered %(status)s (%(reason)s) for %(url)s.")
            % {"status": response.status, "reason": response.reason or _("error"), "url": url[:200]},
            response.status,
        )
    content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if content_type not in accept:
        message = (
            _("The address sends “%(type)s”, not a web page (HTML).")
            if accept == HTML_TYPES
            else _("The address sends “%(type)s”, not a feed (RSS or Atom).")
        )
        raise FetchWrongType(message % {"type": content_type or _("no content type")})
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise _too_large(int(declared), policy)
    body = _read_capped(response, policy=policy, host=host, started=started)
    return Response(
        url=url,
        status=response.status,
        content_type=content_type,
        body=body,
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
    )


def _read_capped(response, *, policy: Policy, host: str, started: float) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.stream(CHUNK, decode_content=True):
            size += len(chunk)
            if size > policy.max_bytes:
                raise _too_large(size, policy, more=True)
            if time.monotonic() - started > policy.deadline:
                raise _timeout(host, policy)
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError:
        raise _timeout(host, policy) from None
    except urllib3.exceptions.DecodeError:
        raise FetchConnectionError(
            _("The server “%(host)s” sent a damaged compressed body.") % {"host": host}
        ) from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.HTTPError):
        raise FetchConnectionError(
            _("The server “%(host)s” closed the connection before the end of the page.") % {"host": host}
        ) from None
    return b"".join(chunks)


def _remaining(policy: Policy, started: float, host: str) -> float:
    left = policy.deadline - (time.monotonic() - started)
    if left <= 0:
        raise _timeout(host, policy)
    return min(policy.read_timeout, left)


def _timeout(host: str, policy: Policy) -> FetchTimeout:
    return FetchTimeout(
        _("The server “%(host)s” did not answer in time (waited up to %(seconds)s seconds).")
        % {"host": host, "seconds": f"{policy.read_timeout:g}"}
    )


def _too_large(size: int, policy: Policy, *, more: bool = False) -> FetchTooLarge:
    message = (
        _("The page is larger than %(limit)s bytes, the most the desk reads; reading stopped.")
        if more
        else _("The page is %(size)s bytes, more than the %(limit)s bytes the desk reads.")
    )
    return FetchTooLarge(message % {"size": f"{size:,}", "limit": f"{policy.max_bytes:,}"})
