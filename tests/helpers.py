"""Shared test helpers: paths to ../shared and the skip-locally-fail-in-CI rule."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "cnn-2023-01-chine-russie-fr.txt"
DATA = SHARED / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` on a developer's machine; fail in CI, where everything must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def sample_text() -> str:
    require(SAMPLE.exists(), f"the sample article is not at {SAMPLE}")
    return SAMPLE.read_text(encoding="utf-8")


def once_in_ci(what: str) -> None:
    """For tests CI runs once, in its PostgreSQL and Redis pass (the production shape), to keep `.ci/run`
    well under 30 minutes; a developer's `make test` runs them on whatever database it has."""
    import os

    if IN_CI and os.environ.get("FACTCHECK_EXPECT_SERVICES") != "true":
        pytest.skip(f"{what}: CI runs these once, in its PostgreSQL and Redis pass")


def require_postgresql() -> None:
    """For PostgreSQL-only behaviour: runs in CI's PostgreSQL pass, skips on the SQLite default."""
    import os

    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if IN_CI and os.environ.get("FACTCHECK_EXPECT_SERVICES") == "true":
        pytest.fail("CI's PostgreSQL pass is not running on PostgreSQL")
    pytest.skip("PostgreSQL-only: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
