"""50 simulated desk users for 60 seconds on gunicorn, PostgreSQL and a real worker.

Editors browse the dashboard and triage, submit articles through the API and keep claims;
checkers open their queue and claims and add evidence. Reported: requests, errors, p50/p95
latency per kind, beside GET /healthz served by the same gunicorn in the same run; and the
lost-write check: every write the server acknowledged is in the database afterwards.

Needs PostgreSQL and Redis (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/factcheck_bench).
"""

import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict

import requests
from common import ROOT, SAMPLE, header, queue_empty, serving, table

USERS, SECONDS = int(os.environ.get("BENCH_USERS", 50)), int(os.environ.get("BENCH_SECONDS", 60))
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "factcheck.settings.base",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DB,
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "AXES_FAILURE_LIMIT": "1000",
    "LOG_LEVEL": "WARNING",
}
TIMEOUT = 30
PASSWORD = "demo-factcheck-2026"  # noqa: S105 -- the benchmark's own throwaway desk


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=True)


def prepare() -> None:
    """A new database, and the queue emptied of any earlier run's tasks (the benchmark's Redis database)."""
    queue_empty(ENV["REDIS_URL"])
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB.rsplit("/", 1)[1]], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB.rsplit("/", 1)[1]], check=True)
    manage("migrate", "--noinput")
    manage("seed_demo", "--force")
    manage(
        "shell",
        "-c",
        (
            "from django.contrib.auth.models import User, Group\n"
            "from claims.services.ingestion import article_input_from_upload, article_ingest\n"
            "g = {n: Group.objects.get(name=n) for n in ('Editor', 'Checker')}\n"
            "for i in range(20):\n"
            "    for role in ('Editor', 'Checker'):\n"
            "        u, _ = User.objects.get_or_create(username=f'{role.lower()}-load-{i}')\n"
            f"        u.set_password('{PASSWORD}'); u.save(); u.groups.set([g[role]])\n"
            f"article_ingest(data=article_input_from_upload(name='a.txt', data=open(r'{SAMPLE}', 'rb').read()))\n"
        ),
    )


class Stats:
    def __init__(self):
        self.lock, self.times, self.writes = threading.Lock(), defaultdict(list), []
        self.errors, self.conflicts = defaultdict(int), defaultdict(int)

    def record(self, kind: str, seconds: float, status: int | None) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if status == 409:
                self.conflicts[kind] += 1  # two editors kept the same claim: the second is refused, as it should be
            elif status is None or status >= 400:
                self.errors[kind] += 1


def timed(stats, kind, call):
    started = time.perf_counter()
    try:
        response = call()
        status = response.status_code
    except requests.RequestException:
        response, status = None, None
    stats.record(kind, time.perf_counter() - started, status)
    return response if status is not None and status < 400 else None


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{base}/accounts/login/",
        timeout=TIMEOUT,
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base},
    )
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken", "")
    session.headers["Referer"] = base
    return session


def editor(base, n, stats, stop):
    session = login(base, f"editor-load-{n % 20}")
    body = SAMPLE.read_text(encoding="utf-8").split("\n", 2)[2]
    while not stop.is_set():
        timed(stats, "GET dashboard", lambda: session.get(f"{base}/", timeout=TIMEOUT))
        timed(stats, "GET triage", lambda: session.get(f"{base}/triage/", timeout=TIMEOUT))
        text = f"{body}\n\nÉdition {n}-{time.time_ns()} : le déficit a atteint {random.randint(1, 9)} % en 2023."
        made = timed(
            stats,
            "POST article (API)",
            lambda t=text: session.post(f"{base}/api/articles/", json={"body": t}, timeout=TIMEOUT),
        )
        if made is not None:
            with stats.lock:
                stats.writes.append(("article", made.json()["id"]))
        claims = timed(
            stats,
            "GET claims (API)",
            lambda: session.get(f"{base}/api/claims/?status=detected&page_size=5", timeout=TIMEOUT),
        )
        for claim in (claims.json()["results"] if claims is not None else [])[:1]:
            kept = timed(
                stats,
                "POST keep",
                lambda c=claim: session.post(
                    f"{base}/api/claims/{c['id']}/triage/", json={"action": "keep"}, timeout=TIMEOUT
                ),
            )
            if kept is not None:
                with stats.lock:
                    stats.writes.append(("keep", claim["id"]))


def checker(base, n, stats, stop):
    session = login(base, f"checker-load-{n % 20}")
    while not stop.is_set():
        timed(stats, "GET my queue", lambda: session.get(f"{base}/queue/", timeout=TIMEOUT))
        claims = timed(
            stats, "GET claims (API)", lambda: session.get(f"{base}/api/claims/?page_size=5", timeout=TIMEOUT)
        )
        for claim in (claims.json()["results"] if claims is not None else [])[:2]:
            timed(stats, "GET claim page", lambda c=claim: session.get(f"{base}/claims/{c['id']}/", timeout=TIMEOUT))


def baseline(base, stats, stop):
    while not stop.is_set():
        timed(stats, "GET /healthz (baseline)", lambda: requests.get(f"{base}/healthz", timeout=TIMEOUT))


def main() -> None:
    prepare()
    with serving(ENV, "--workers", "3", "--threads", "4", worker=True) as base:
        stats, stop = Stats(), threading.Event()
        threads = [
            threading.Thread(target=(editor if n % 2 else checker), args=(base, n, stats, stop)) for n in range(USERS)
        ]
        threads.append(threading.Thread(target=baseline, args=(base, stats, stop)))
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join()
    report(stats)


def report(stats: Stats) -> None:
    rows = []
    for kind, times in sorted(stats.times.items()):
        ordered = sorted(times)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        rows.append(
            [
                kind,
                len(times),
                stats.errors[kind],
                stats.conflicts[kind],
                f"{statistics.median(ordered) * 1000:.0f}",
                f"{p95 * 1000:.0f}",
            ]
        )
    header(f"Load: {USERS} desk users for {SECONDS} s, gunicorn 3x4 + PostgreSQL + a worker")
    table(rows, ["request", "count", "errors", "409 conflicts", "p50 ms", "p95 ms"])
    lost = missing_writes(stats.writes)
    print(f"\nWrites acknowledged: {len(stats.writes)}; missing from the database afterwards: {lost}.")


def missing_writes(writes) -> int:
    articles = [pk for kind, pk in writes if kind == "article"]
    kept = [pk for kind, pk in writes if kind == "keep"]
    code = (
        "from claims.models import Article, Claim\n"
        f"a = {articles!r}; k = {kept!r}\n"
        "print(len(a) - Article.objects.filter(pk__in=a).count() + "
        "len(k) - Claim.objects.filter(pk__in=k).exclude(status='detected').count())"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
