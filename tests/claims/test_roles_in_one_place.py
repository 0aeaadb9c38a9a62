"""Who may do what is said in one place: permission codenames appear only in the workflow and
roles modules (and the models that declare them); every other module asks the workflow."""

import re

from tests.helpers import ROOT

CODENAMES = re.compile(
    r"""["'](triage_claim|assign_claim|check_claim|review_verdict|reopen_claim|export_reports|"""
    r"""manage_articles|view_claim|view_article)["']"""
)
OWNERS = {"claims/workflow.py", "claims/roles.py", "claims/models/claims.py", "claims/models/articles.py"}


def test_no_module_outside_the_workflow_names_a_permission():
    offenders = []
    for path in sorted((ROOT / "claims").rglob("*.py")) + sorted((ROOT / "factcheck").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in OWNERS or "/migrations/" in relative:
            continue
        offenders += [f"{relative}: {m.group(0)}" for m in CODENAMES.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_template_checks_a_permission_itself():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert [t.name for t in templates if "perms." in t.read_text(encoding="utf-8")] == []
