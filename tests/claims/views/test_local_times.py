"""Every page shows times in the desk's time zone (TIME_ZONE, Europe/Paris), never in UTC."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.urls import reverse

from claims.models import ClaimEvent, Comment, ExportJob
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

LATE_EVENING_UTC = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # already 16 January, 00:30, in Paris


@pytest.fixture
def late_claim(editor_user, checker_user):
    claim = ClaimFactory(status="assigned", assignee=checker_user)
    with mock.patch("django.utils.timezone.now", return_value=LATE_EVENING_UTC):
        ClaimEvent.objects.create(claim=claim, actor=editor_user, kind="comment", message="Tard")
        Comment.objects.create(claim=claim, author=editor_user, body="Tard")
        ExportJob.objects.create(requested_by=editor_user, format="csv")
    return claim


def test_pages_show_the_desks_local_time(client, editor_user, late_claim):
    client.force_login(editor_user)
    job = ExportJob.objects.get()
    for url in (
        reverse("claims:dashboard"),
        late_claim.get_absolute_url(),
        reverse("claims:export-list"),
        job.get_absolute_url(),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "16/01/2026 00:30" in page, url
        assert "15/01/2026" not in page and "23:30" not in page, url


def test_texts_built_in_python_use_the_local_time_too(late_claim):
    assert str(ExportJob.objects.get()) == "CSV 2026-01-16 00:30"
    assert str(ClaimEvent.objects.get(claim=late_claim)).startswith("2026-01-16 00:30 ")
