import re

import pytest
from django.urls import reverse

from tests.helpers import ROOT

PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_the_french_catalogue_is_complete_and_compiled():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    empty = [
        e
        for e in entries
        if re.search(r'^msgstr ""\n?$', e, re.MULTILINE)
        and "msgstr[" not in e
        and not re.search(r'^msgstr ""\n"', e, re.MULTILINE)
    ]
    assert empty == []
    assert "#, fuzzy" not in text
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 5


@pytest.mark.django_db
def test_pages_speak_french_by_default_and_english_after_the_switch(client, editor_user):
    client.force_login(editor_user)
    page = client.get(reverse("claims:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Tableau de bord" in page and "Affirmations par statut" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("claims:dashboard")).content.decode()
    assert "Dashboard" in page and "Claims by status" in page
