"""`make run` loads a sample article: the shared one beside the repository, else the one we ship."""

import io
import re

import pytest
from django.core.management import call_command

from claims.management.commands.load_sample import BUILT_IN_SAMPLE, sample_path
from claims.models import Article


def test_the_built_in_sample_is_used_when_the_shared_one_is_absent(tmp_path):
    assert sample_path(tmp_path / "shared" / "samples" / "missing.txt") == BUILT_IN_SAMPLE


def test_the_shared_sample_is_used_when_present(tmp_path):
    shared = tmp_path / "article.txt"
    shared.write_text(" date 2023-01 CNN\n\nUn texte.\n", encoding="utf-8")
    assert sample_path(shared) == shared


def test_the_built_in_sample_is_a_dated_french_article_of_a_few_hundred_words():
    first, body = BUILT_IN_SAMPLE.read_text(encoding="utf-8").split("\n", 1)
    assert first == " date 2026-11 Factcheck"
    assert 300 <= len(body.split()) <= 500
    assert re.search(r"», a déclaré .+, Claire Morvan", body) and "Selon l’Observatoire" in body
    assert "Si l’État" in body and "sera soumis au vote" in body  # a hypothetical, a procedure


@pytest.mark.django_db
def test_loading_the_sample_without_shared_ingests_the_built_in_one_once(tmp_path, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("load_sample", shared=tmp_path / "absent.txt", stdout=out)
        call_command("load_sample", shared=tmp_path / "absent.txt", stdout=out)
    article = Article.objects.get()
    assert article.title.startswith("Transports : la métropole de Valmont")
    assert (article.outlet, article.published_display, article.language) == ("Factcheck", "2026-11", "fr")
    assert "ingested" in out.getvalue() and "already on the desk" in out.getvalue()
    assert str(BUILT_IN_SAMPLE) in out.getvalue()
