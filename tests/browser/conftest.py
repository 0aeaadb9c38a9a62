import shutil
from pathlib import Path

import pytest

from tests.helpers import ROOT, once_in_ci, require

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(autouse=True)
def _browser_stories_once_in_ci():
    once_in_ci("the browser stories and audits")


@pytest.fixture
def chromium():
    """One browser per test: Playwright's event loop must not outlive it (Django would see an async context)."""
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev installs it
        require(False, "the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, request, monkeypatch):
    """open_page(locale) -> a fresh page in its own context; screenshots are kept if the test fails."""
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    contexts, violations = [], []

    def make(locale="fr-FR"):
        context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        # The pages must work under the Content-Security-Policy: any violation Chromium reports fails the test.
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        return page

    make.csp_violations = violations
    yield make
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for number, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for index, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{number}-{index}.png"), full_page=True)
        context.close()
