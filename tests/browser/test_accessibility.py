"""axe-core audits every main page in Chromium, in French and in English: no serious or critical violation.

axe-core comes from npm (package.json at the repository root, `npm ci`). Its source is evaluated
into the page through the DevTools protocol, which the page's Content-Security-Policy does not
govern: the pages are audited exactly as they are served, CSP included, and the audit also fails on
any CSP violation.
"""

import datetime as dt

import pytest
from django.utils import timezone

from claims.models import ClaimStatus, ExportJob, ExportStatus
from claims.services import assignment, transitions, verification
from tests.browser.test_story import PASSWORD
from tests.factories import ArticleFactory, ClaimFactory, checker, editor
from tests.helpers import ROOT, require

pytestmark = pytest.mark.django_db(transaction=True)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PHONE = {"width": 375, "height": 800}
SENTENCES = [
    "Le chômage a baissé de 2 % en 2023, selon l'INSEE.",
    "Le ministre a déclaré que 300 000 emplois avaient été créés.",
    "La dette publique atteint 110 % du PIB, a affirmé la sénatrice.",
    "Les prix de l'énergie ont doublé depuis 2021.",
    "Le budget de la santé a augmenté de 4 % cette année.",
]
# (page, who is looking, path built from the desk's ids); None: a visitor who has not logged in.
PAGES = {
    "login": (None, lambda d: "/accounts/login/"),
    "dashboard": ("editor1", lambda d: "/"),
    "article": ("editor1", lambda d: f"/articles/{d['article']}/"),
    "submit": ("editor1", lambda d: "/articles/new/"),
    "triage": ("editor1", lambda d: "/triage/"),
    "claim-checker": ("checker1", lambda d: f"/claims/{d['working']}/"),
    "claim-reviewer-blind": ("editor1", lambda d: f"/claims/{d['in_review']}/"),
    "claim-reviewer": ("editor1", lambda d: f"/claims/{d['rated']}/"),
    "queue": ("checker1", lambda d: "/queue/"),
    "review-queue": ("editor1", lambda d: "/reviews/"),
    "report": ("editor1", lambda d: f"/articles/{d['article']}/report/"),
    "exports": ("editor1", lambda d: "/exports/"),
    "library": ("editor1", lambda d: "/library/"),
    "notifications": ("checker1", lambda d: "/notifications/"),
}


@pytest.fixture
def axe_source() -> str:
    require(AXE.exists(), f"axe-core is not installed at {AXE.relative_to(ROOT)}: run `npm ci` at the repository root")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def desk(transactional_db) -> dict:
    """A claim in each state the pages show: to triage, being checked, awaiting a blind rating or a review, approved."""
    people = {"editor1": editor("editor1"), "editor2": editor("editor2"), "checker1": checker("checker1")}
    article = ArticleFactory(title="Chômage, emplois et dette", outlet="Le Quotidien", body="\n\n".join(SENTENCES))
    claims = []
    for sentence, score in zip(SENTENCES, (0.9, 0.8, 0.7, 0.6, 0.5), strict=True):
        start = article.body.index(sentence)
        claims.append(
            ClaimFactory(
                article=article,
                start=start,
                end=start + len(sentence),
                text=sentence,
                score=score,
                reasons=["un chiffre", "une date"],
                claimant="le ministre",
                entities=[{"text": "INSEE", "label": "ORG"}],
            )
        )
    working, in_review, approved, _detected, rated = claims
    due = dt.date.today() + dt.timedelta(days=2)
    for claim in (working, in_review, approved, rated):
        transitions.claim_transition(claim=claim, actor=people["editor1"], action="keep")
        assignment.claim_assign(claim=claim, actor=people["editor1"], assignee=people["checker1"], due_date=due)
    verification.evidence_add(
        claim=working, actor=people["checker1"], url="https://www.insee.fr/", title="INSEE", stance="supports"
    )
    verification.verdict_save_draft(claim=working, actor=people["checker1"], rating="true", summary="Exact.")
    for claim in (in_review, approved, rated):
        verification.verdict_submit(claim=claim, actor=people["checker1"], rating="misleading", summary="Trompeur.")
    verification.blind_rating_record(claim=approved, actor=people["editor2"], rating="misleading")
    verification.review_submit(claim=approved, actor=people["editor2"], decision="approve")
    verification.blind_rating_record(claim=rated, actor=people["editor1"], rating="false")  # the review form shows
    ExportJob.objects.create(requested_by=people["editor1"], status=ExportStatus.DONE, finished_at=timezone.now())
    assert in_review.__class__.objects.get(pk=in_review.pk).status == ClaimStatus.IN_REVIEW
    return {"article": article.pk, "working": working.pk, "in_review": in_review.pk, "rated": rated.pk}


def _violations(page) -> list[dict]:
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def _too_wide(page) -> list[str]:
    """What sticks out of a page that scrolls sideways (a table may scroll inside its own box)."""
    return page.evaluate(
        """() => {
          if (document.documentElement.scrollWidth <= window.innerWidth) return [];
          const escapes = (e) => {
            if (["absolute", "fixed"].includes(getComputedStyle(e).position)) return true;
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
              if (getComputedStyle(a).overflowX !== "visible") return false;
            }
            return true;
          };
          const out = [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && escapes(e))
            .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""));
          return out.length ? out.slice(0, 8) : ["the page is " + document.documentElement.scrollWidth + " px wide"];
        }"""
    )


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']}")
        lines += [f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"][:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_has_no_serious_accessibility_violation(open_page, live_server, axe_source, desk, name, language):
    who, path = PAGES[name]
    page = open_page("fr-FR" if language == "fr" else "en-US")
    if who:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", who)
        page.fill("#id_password", PASSWORD)
        page.locator("#login-form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}{path(desk)}")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    page.evaluate(axe_source)
    violations = _violations(page)
    assert violations == [], f"{name} ({language}, desktop):\n{_describe(violations)}"
    # On a phone: the same audit (contrast and names can change with the layout), and nothing wider than the screen.
    page.set_viewport_size(PHONE)
    violations = _violations(page)
    assert violations == [], f"{name} ({language}, phone):\n{_describe(violations)}"
    assert _too_wide(page) == [], f"{name} ({language}) is wider than a {PHONE['width']} px phone"
    assert open_page.csp_violations == []
