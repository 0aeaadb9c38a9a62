"""Regenerate the README's screenshots: a scratch desk, a short story through the services,
then Chromium photographs the article page, a checker's claim page and the dashboard.

    .venv/bin/python scripts/screenshots.py   (writes docs/screenshots/*.png)
"""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
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
PORT = "8791"


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=True)


def story() -> int:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from claims.models import Article
    from claims.services import assignment, transitions, verification
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
    return first.pk


def main() -> None:
    manage("migrate", "--noinput")
    manage("seed_demo")
    claim_id = story()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", PORT, "--noreload"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for user, path, name in (
                ("editor1", "/articles/1/", "article"),
                ("checker1", f"/claims/{claim_id}/", "checker"),
                ("editor1", "/", "dashboard"),
            ):
                page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860}).new_page()
                page.goto(f"http://127.0.0.1:{PORT}/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", "demo-factcheck-2026")
                page.click("#login-form button[type=submit]")
                page.wait_for_url(f"http://127.0.0.1:{PORT}/")
                page.goto(f"http://127.0.0.1:{PORT}{path}")
                page.screenshot(path=str(out / f"{name}.png"))
            browser.close()
    finally:
        server.terminate()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
