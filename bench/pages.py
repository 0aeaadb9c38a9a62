"""Desk pages on gunicorn + PostgreSQL over the 100,000-claim desk, beside /healthz (hello world).

Each page is requested by CLIENTS threads for SECONDS; requests per second and p50/p95 are
reported beside the hello-world view served by the same gunicorn in the same run. Needs the
desk: `make desk` (or BENCH_DESK_URL pointing at a database filled by generate_desk).
"""

import os
import statistics
import subprocess
import sys
import threading
import time

import requests
from common import ROOT, header, record, serving, table

DESK = os.environ.get("BENCH_DESK_URL", "postgres://postgres@127.0.0.1:5432/factcheck_desk")
SHARE = 0.15  # the target: a page serves at least this share of /healthz's requests per second
CLIENTS, SECONDS = int(os.environ.get("BENCH_CLIENTS", 4)), float(os.environ.get("BENCH_SECONDS", 8))
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "factcheck.settings.base",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DESK,
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
}


def sessions() -> dict[str, str]:
    """Session cookies for a checker with a queue and an editor, the id of a 200-claim article, and of the
    detected claim in the middle of triage."""
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from django.db.models import Count\n"
        "from claims.models import Article, Claim\n"
        "def key(user):\n"
        "    s = SessionStore(); s['_auth_user_id'] = str(user.pk)\n"
        "    s['_auth_user_backend'] = 'claims.backends.DeskBackend'\n"
        "    s['_auth_user_hash'] = user.get_session_auth_hash(); s.create(); return s.session_key\n"
        "User = get_user_model()\n"
        "checker = User.objects.filter(groups__name='Checker').annotate(n=Count('assigned_claims')).order_by('-n')[0]\n"
        "editor = User.objects.filter(groups__name='Editor')[0]\n"
        "article = Article.objects.annotate(n=Count('claims')).filter(n__gte=200).first()\n"
        "if article is None:\n"
        "    sentences = [f'Le chômage a baissé de {n} % en 2023, selon le ministre {n}.' for n in range(200)]\n"
        "    body = ' '.join(sentences)\n"
        "    article = Article.objects.create(title='200 affirmations', body=body, language='fr', outlet='Bench')\n"
        "    at = 0\n"
        "    rows = []\n"
        "    for s in sentences:\n"
        "        start = body.index(s, at); at = start + len(s)\n"
        "        rows.append(Claim(article=article, text=s, start=start, end=at, score=0.7))\n"
        "    Claim.objects.bulk_create(rows)\n"
        "middle = Claim.objects.filter(status='detected').order_by('-score', 'article_id', 'start', 'id')\n"
        "middle = middle[middle.count() // 2]\n"
        "print(key(checker), key(editor), article.pk, middle.pk)\n"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    checker, editor, article, claim = done.stdout.split()[-4:]
    return {"checker": checker, "editor": editor, "article": article, "claim": claim}


def hammer(url: str, cookie: str | None) -> tuple[float, list[float], int]:
    latencies, errors, stop = [], [0], threading.Event()

    def client():
        session = requests.Session()
        if cookie:
            session.cookies.set("sessionid", cookie)
        while not stop.is_set():
            started = time.perf_counter()
            response = session.get(url, timeout=30, allow_redirects=False)
            latencies.append(time.perf_counter() - started)
            errors[0] += response.status_code != 200

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), sorted(latencies), errors[0]


def main() -> None:
    keys = sessions()
    pages = [
        ("hello world: GET /healthz (baseline)", "/healthz", None),
        ("checker's queue", "/queue/", keys["checker"]),
        ("editor's triage list", "/triage/", keys["editor"]),
        ("triage, one outlet, claimant contains", "/triage/?outlet=le+monde&claimant=monde", keys["editor"]),
        ("claim page, previous/next in triage", f"/claims/{keys['claim']}/?from=triage", keys["editor"]),
        ("article with 200 claims", f"/articles/{keys['article']}/", keys["editor"]),
        ("dashboard", "/", keys["editor"]),
    ]
    with serving(ENV, "--workers", "2") as base:
        rows, hello = [], None
        for label, path, cookie in pages:
            hammer(base + path, cookie)  # warm-up: connections, caches
            rps, latencies, errors = hammer(base + path, cookie)
            p50, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
            if hello is None:
                hello = rps
            else:
                met = rps >= SHARE * hello and p95 < 0.1
                record(
                    f"page: {label}, requests/s (/healthz = baseline)",
                    rps,
                    hello,
                    "req/s",
                    f">= {SHARE:.2f} of /healthz, p95 < 100 ms",
                    met,
                )
            rows.append(
                [label, f"{rps:,.1f}", f"{rps / hello:.2f}", f"{p50 * 1000:,.0f}", f"{p95 * 1000:,.0f}", errors]
            )
    header(f"Pages on gunicorn (2 workers) + PostgreSQL, 100,000-claim desk, {CLIENTS} clients x {SECONDS:.0f} s")
    table(rows, ["page", "requests/s", "share of hello world", "p50 ms", "p95 ms", "non-200"])


if __name__ == "__main__":
    main()
