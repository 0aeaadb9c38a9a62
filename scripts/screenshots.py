"""Regenerate the README's screenshots: a scratch desk, a short story through the services,
then Chromium photographs the article page, a checker's claim page and the dashboard.

    .venv/bin/python scripts/screenshots.py                 (writes docs/screenshots/*.png, 1366 px wide)
    .venv/bin/python scripts/screenshots.py --review DIR    (every main page at 1366, 1920 and 375 px,
                                                             in French and English, full length, into DIR)
    .venv/bin/python scripts/screenshots.py --review DIR --pages triage,article --widths 375 --languages fr

The review set is for looking at the pages after a change to the templates or the stylesheet; it is
not committed.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.mkdtemp(prefix="factcheck-shots-"))
ENV = {
    **os.environ,
    "DEBUG": "true",
    "FACTCHECK_VAR_DIR": str(SCRATCH),
    "CELERY_TASK_ALWAYS_EAGER": "true",
    "DJANGO_SETTINGS_MODULE": "factcheck.settings.base",
}
PORT = os.environ.get("SCREENSHOTS_PORT", "8791")
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "demo-factcheck-2026"  # noqa: S105 -- seed_demo's development password
README_WIDTH = 1366
REVIEW_WIDTHS = (1366, 1920, 375)
LOCALES = {"fr": "fr-FR", "en": "en-US"}


@dataclass
class Desk:
    article: int
    drafting: int  # checker1 is writing a verdict
    approved: int  # approved after editor2's blind rating
    blind: int  # in review: editor1 has not rated it yet
    rated: int  # in review: editor1 has rated it and sees the review form
    export: int


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=True)


def story() -> Desk:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from claims.models import Article
    from claims.services import assignment, transitions, verification
    from claims.services.exports import export_request
    from claims.services.ingestion import ArticleInput, article_ingest

    users = {u.username: u for u in get_user_model().objects.all()}
    sample = ROOT.parent / "shared" / "samples" / "cnn-2023-01-chine-russie-fr.txt"
    article = article_ingest(data=ArticleInput(body=sample.read_text(encoding="utf-8"))).article
    article = Article.objects.get(pk=article.pk)
    claims = list(article.claims.order_by("-score"))
    for claim in claims[:5]:
        transitions.claim_transition(claim=claim, actor=users["editor1"], action="keep")
    transitions.claim_transition(claim=claims[5], actor=users["editor1"], action="dismiss")
    due = dt.date.today() + dt.timedelta(days=2)
    for claim, who in zip(claims[:4], ("checker1", "checker1", "checker2", "checker1"), strict=True):
        assignment.claim_assign(
            claim=claim, actor=users["editor1"], assignee=users[who], due_date=due, note="Pour demain"
        )
    first = claims[0]
    verification.evidence_add(
        claim=first,
        actor=users["checker1"],
        url="https://www.state.gov/",
        title="Département d'État",
        stance="supports",
        excerpt="Communiqué du 24 janvier 2023.",
    )
    verification.verdict_save_draft(
        claim=first, actor=users["checker1"], rating="mostly_true", summary="Confirmé par deux sources officielles."
    )
    second = claims[1]
    verification.verdict_submit(claim=second, actor=users["checker1"], rating="true", summary="Confirmé.")
    verification.blind_rating_record(claim=second, actor=users["editor2"], rating="true")
    verification.review_submit(claim=second, actor=users["editor2"], decision="approve")
    third = claims[2]
    verification.verdict_submit(
        claim=third, actor=users["checker2"], rating="misleading", summary="Le chiffre est exact, le contexte manque."
    )
    fourth = claims[3]
    verification.verdict_submit(claim=fourth, actor=users["checker1"], rating="false", summary="Chiffres faux.")
    verification.blind_rating_record(claim=fourth, actor=users["editor1"], rating="mostly_false")
    job = export_request(user=users["editor1"], format="csv", filters={})
    return Desk(
        article=article.pk, drafting=first.pk, approved=second.pk, blind=third.pk, rated=fourth.pk, export=job.pk
    )


def review_pages(desk: Desk) -> list[tuple[str, str | None, str]]:
    """(name, who, path) of every main page; who None is a visitor who has not logged in."""
    return [
        ("login", None, "/accounts/login/"),
        ("dashboard", "editor1", "/"),
        ("articles", "editor1", "/articles/"),
        ("article", "editor1", f"/articles/{desk.article}/"),
        ("submit", "editor1", "/articles/new/"),
        ("triage", "editor1", "/triage/"),
        ("claim-editor", "editor1", f"/claims/{desk.approved}/"),
        ("claim-checker", "checker1", f"/claims/{desk.drafting}/"),
        ("claim-reviewer-blind", "editor1", f"/claims/{desk.blind}/"),
        ("claim-reviewer", "editor1", f"/claims/{desk.rated}/"),
        ("queue-checker", "checker1", "/queue/"),
        ("queue-editor", "editor1", "/queue/"),
        ("reviews", "editor1", "/reviews/"),
        ("report", "editor1", f"/articles/{desk.article}/report/"),
        ("exports", "editor1", "/exports/"),
        ("export", "editor1", f"/exports/{desk.export}/"),
        ("library", "editor1", "/library/"),
        ("notifications", "checker1", "/notifications/"),
        ("preferences", "checker1", "/notifications/preferences/"),
        ("search", "editor1", "/search/?q=Chine"),
        ("password", "editor1", "/accounts/password_change/"),
    ]


def login(page, user: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{BASE}/")


def readme_shots(browser, desk: Desk) -> Path:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for user, path, name in (
        ("editor1", f"/articles/{desk.article}/", "article"),
        ("checker1", f"/claims/{desk.drafting}/", "checker"),
        ("editor1", "/", "dashboard"),
    ):
        context = browser.new_context(locale="fr-FR", viewport={"width": README_WIDTH, "height": 860})
        page = context.new_page()
        login(page, user)
        page.goto(f"{BASE}{path}")
        page.screenshot(path=str(out / f"{name}.png"))
        context.close()
    return out


def review_shots(browser, desk: Desk, out: Path, *, pages, widths, languages) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    chosen = [p for p in review_pages(desk) if not pages or p[0] in pages]
    for language in languages:
        locale = LOCALES[language]
        for width in widths:
            contexts = {}
            for name, user, path in chosen:
                if user not in contexts:
                    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
                    if user:
                        login(context.new_page(), user)
                    contexts[user] = context
                page = contexts[user].new_page()
                page.goto(f"{BASE}{path}")
                page.screenshot(path=str(out / f"{name}-{language}-{width}.png"), full_page=True)
                page.close()
            for context in contexts.values():
                context.close()
    return out


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _widths(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in _names(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--review", type=Path, metavar="DIR", help="photograph every main page into DIR")
    parser.add_argument("--pages", type=_names, default=(), help="with --review: only these pages (comma-separated)")
    parser.add_argument("--widths", type=_widths, default=REVIEW_WIDTHS, help="with --review: viewport widths")
    parser.add_argument("--languages", type=_names, default=tuple(LOCALES), help="with --review: fr, en or both")
    args = parser.parse_args()
    manage("migrate", "--noinput")
    manage("seed_demo")
    desk = story()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", PORT, "--noreload"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            if args.review:
                choice = {"pages": args.pages, "widths": args.widths, "languages": args.languages}
                out = review_shots(browser, desk, args.review.resolve(), **choice)
            else:
                out = readme_shots(browser, desk)
            browser.close()
    finally:
        server.terminate()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
