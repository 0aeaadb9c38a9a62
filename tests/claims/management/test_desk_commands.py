import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from claims.models import Article, ClaimStatus, ExportJob, ExportStatus
from tests.helpers import SAMPLE, require

pytestmark = pytest.mark.django_db(transaction=True)


def test_ingest_prints_the_article_id_and_with_wait_its_claims():
    require(SAMPLE.exists(), f"the sample article is not at {SAMPLE}")
    out = io.StringIO()
    call_command("ingest", str(SAMPLE), "--wait", "--timeout", "60", stdout=out)
    article = Article.objects.get()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{article.pk}\tcreated\t")
    assert "Bill Burns" in out.getvalue()
    assert article.extraction_status == "extracted"


def test_ingest_reports_a_bad_file_and_fails(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(bad), stderr=err)
    assert "binary" in err.getvalue()
    assert not Article.objects.exists()


def test_ingest_saves_a_bulk_files_good_records_lists_each_bad_line_and_fails(tmp_path):
    import json

    lot = tmp_path / "lot.jsonl"
    records = [
        {"title": "Un", "body": "Le chômage a baissé de 2 %."},
        {"title": "Deux", "body": "Le déficit a atteint 5 %.", "url": "https://www.lemonde.fr/" + "a" * 1197},
        {"title": "Trois", "body": "La dette a augmenté.", "published": "2023-01-15 this is not a date"},
        {"title": "Quatre", "body": "Le prix du pain a doublé.", "url": "javascript:alert(1)"},
        {"title": "Cinq", "body": "Les salaires ont progressé de 3 %."},
    ]
    lot.write_text("\n".join(json.dumps(r) for r in records))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="3 record"):
        call_command("ingest", str(lot), stdout=out, stderr=err)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Cinq", "Un"]
    assert [line.split("\t")[2] for line in out.getvalue().splitlines()] == ["Un", "Cinq"]
    refused = err.getvalue().splitlines()
    assert [line.split(": ", 1)[0] for line in refused] == [f"{lot}:2", f"{lot}:3", f"{lot}:4"]
    assert "1,220 characters" in refused[0] and "not a date" in refused[1] and "Only http and https" in refused[2]


def test_reextract_refuses_an_article_whose_claims_carry_work_unless_told_to_keep_it(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Le chômage a baissé de 2 % en 2023, selon l'INSEE.\n\nL'État a dépensé 3 milliards d'euros.")
    call_command("ingest", str(path), stdout=io.StringIO())
    article = Article.objects.get()
    article.claims.update(status=ClaimStatus.TO_CHECK)
    with pytest.raises(CommandError):
        call_command("reextract", str(article.pk), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("reextract", str(article.pk), "--keep-human-work", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.extraction_status == "extracted"
    assert article.claims.filter(status=ClaimStatus.TO_CHECK).count() == 2


def test_sweep_requeues_lost_exports_and_fails_those_lost_too_often(editor_user):
    long_ago = timezone.now() - timedelta(hours=1)
    lost = ExportJob.objects.create(requested_by=editor_user, status=ExportStatus.RUNNING, started_at=long_ago)
    tired = ExportJob.objects.create(
        requested_by=editor_user, status=ExportStatus.RUNNING, started_at=long_ago, attempts=2
    )
    out = io.StringIO()
    call_command("sweep", "--max-attempts", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "re-queued 0",
        f"exports re-queued 1: {lost.pk}",
        f"exports failed 1: {tired.pk}",
        "emails re-queued 0",
        "emails failed 0",
    ]
    assert ExportJob.objects.get(pk=lost.pk).status == ExportStatus.DONE  # run in-process in tests
    assert ExportJob.objects.get(pk=tired.pk).status == ExportStatus.FAILED
