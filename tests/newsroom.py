"""A real local web server standing in for the newsroom's sites: feeds, pages and every way they fail.

Runs `http.server` in a thread on 127.0.0.1, port 0. Each path is one behaviour; the server counts
what it was asked and how many bytes of its huge body it managed to send.
"""

import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_TEXT = [
    "Le chômage a baissé de 2 % en 2023 selon l'Insee, a déclaré la ministre du Travail lundi.",
    "Selon le rapport publié mardi, 450 000 emplois ont été créés dans le secteur privé en un an.",
    "Le gouvernement affirme que la réforme des retraites a rapporté 3 milliards d'euros à l'État.",
    "Les syndicats contestent ces chiffres et demandent une enquête indépendante sur les comptes publics.",
]


def article_page(title: str, paragraphs: list[str], *, canonical: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>{link}"
        f"<meta property='og:site_name' content='Le Quotidien Local'>"
        f"<meta name='date' content='2024-03-05'></head>"
        f"<body><header><nav><a href='/'>Accueil</a></nav></header>"
        f"<article><h1>{title}</h1>{body}</article><footer>© Le Quotidien Local</footer></body></html>"
    ).encode()


def rss(base: str, items: list[dict]) -> bytes:
    entries = []
    for item in items:
        content = f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>" if item.get("content") else ""
        entries.append(
            f"<item><title>{item['title']}</title><link>{base}{item['path']}</link>"
            f"<guid>{item.get('guid', base + item['path'])}</guid>"
            f"<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
            f"<description>{item.get('summary', 'Résumé court.')}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Le Quotidien Local</title><link>{base}/</link><description>Actualités</description>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode()


def atom(base: str, items: list[dict]) -> bytes:
    entries = "".join(
        f"<entry><title>{item['title']}</title><link href='{base}{item['path']}'/>"
        f"<id>urn:uuid:{item['path'].strip('/').replace('/', '-')}</id><updated>2024-03-06T08:00:00Z</updated>"
        f"<summary>Résumé.</summary>"
        + (f"<content type='html'><![CDATA[{item['content']}]]></content>" if item.get("content") else "")
        + "</entry>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>The Evening Ledger</title><id>urn:ledger</id><updated>2024-03-06T08:00:00Z</updated>{entries}</feed>"
    ).encode()


def paragraphs(n: int, topic: str) -> list[str]:
    return [f"{sentence} ({topic}, paragraphe {i})" for i, sentence in enumerate(ARTICLE_TEXT * n)]


class Newsroom:
    """The server; `base` is its address, `hits` counts requests per path, `huge_sent` bytes sent of /huge."""

    HUGE = 50 * 1024 * 1024

    def __init__(self, *, hang_seconds: float = 5.0):
        self.hits: dict[str, int] = {}
        self.headers: dict[str, dict] = {}
        self.huge_sent = 0
        self.hang_seconds = hang_seconds
        self.stop_hanging = threading.Event()
        self.pages: dict[str, tuple[int, str, bytes, dict]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._default_pages()

    def __enter__(self) -> "Newsroom":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_hanging.set()
        self.server.shutdown()
        self.server.server_close()

    def add(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict | None = None,
    ) -> str:
        self.pages[path] = (status, content_type, body, headers or {})
        return self.base + path

    def _default_pages(self) -> None:
        base = self.base
        self.add("/article.html", article_page("La ministre et le chômage", paragraphs(1, "article")))
        for n in (1, 2, 3):
            self.add(f"/news/{n}.html", article_page(f"Nouvelle {n}", paragraphs(1, f"nouvelle {n}")))
        self.add(
            "/rss.xml",
            rss(
                base,
                [
                    {"title": "Nouvelle 1", "path": "/news/1.html"},  # a summary only: the page is fetched
                    {
                        "title": "Nouvelle 2",
                        "path": "/news/2.html",
                        "content": "".join(f"<p>{p}</p>" for p in paragraphs(1, "contenu 2")),
                    },
                ],
            ),
            content_type="application/rss+xml",
        )
        self.add(
            "/atom.xml",
            atom(
                base,
                [
                    {
                        "title": "Ledger 1",
                        "path": "/ledger/1",
                        "content": "".join(f"<p>{p}</p>" for p in paragraphs(1, "ledger")),
                    }
                ],
            ),
            content_type="application/atom+xml",
        )
        self.add("/text.txt", b"plain text", content_type="text/plain")
        broken = b"<?xml version='1.0'?><rss><channel><item><title>broken</tit"
        self.add("/malformed.xml", broken, content_type="application/rss+xml")
        self.add("/500", b"<h1>Internal Server Error</h1>", status=500)
        self.add("/404", b"<h1>Not Found</h1>", status=404)

    def _handler(self):
        newsroom = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path
                newsroom.hits[path.split("?")[0]] = newsroom.hits.get(path.split("?")[0], 0) + 1
                newsroom.headers[path.split("?")[0]] = dict(self.headers)
                name = path.strip("/").split("?")[0].split("/")[0].replace(".", "_").replace("-", "_")
                route = getattr(self, "route_" + name, None)
                if path in newsroom.pages:
                    self.send_page(*newsroom.pages[path])
                elif route is not None:
                    route()
                else:
                    self.send_page(404, "text/html", b"not found", {})

            def send_page(self, status, content_type, body, headers):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def route_etag_xml(self):
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.send_header("ETag", '"v1"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_page(
                    200,
                    "application/rss+xml",
                    newsroom.pages["/rss.xml"][2],
                    {"ETag": '"v1"', "Last-Modified": formatdate(usegmt=True)},
                )

            def route_huge(self):
                # 50 MB, made as it is sent, with no Content-Length: only the reader's cap can stop it.
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if "html" in self.path else "application/rss+xml")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_532 + b"</p>"
                try:
                    while newsroom.huge_sent < Newsroom.HUGE:
                        self.wfile.write(chunk)
                        newsroom.huge_sent += len(chunk)
                except OSError:
                    pass
                self.close_connection = True

            def route_hang(self):
                newsroom.stop_hanging.wait(newsroom.hang_seconds)
                self.close_connection = True

            def route_loop(self):
                n = int(self.path.split("n=")[-1]) if "n=" in self.path else 0
                self.send_response(302)
                self.send_header("Location", f"/loop?n={n + 1}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def route_redirect(self):
                # /redirect?to=<url>
                target = self.path.split("to=", 1)[1]
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
