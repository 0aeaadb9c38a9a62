"""A desk with articles, claims, verdicts, reviews and history survives backup and restore, row for row."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims.models import ClaimEvent
from claims.services.transitions import claim_transition

pytestmark = pytest.mark.django_db(transaction=True)


def _every_row() -> dict:
    models = [*apps.get_app_config("claims").get_models(), get_user_model(), apps.get_model("auth", "Group")]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def test_a_backup_restores_every_row(reviewed_article, editor_user, tmp_path):
    claim = reviewed_article["dismissed"]
    claim_transition(claim=claim, actor=editor_user, action="restore")
    assert ClaimEvent.objects.exists()
    before = _every_row()
    backup = tmp_path / "desk.backup"
    call_command("backup", "--output", str(backup))
    reviewed_article["article"].claims.filter(pk=reviewed_article["pending"].pk).update(status="dismissed")
    get_user_model().objects.filter(pk=editor_user.pk).update(first_name="changed after the backup")
    call_command("restore", str(backup), "--yes")
    assert _every_row() == before
