import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.models import Claim, ClaimEvent, ClaimStatus, Rating
from claims.models.articles import content_hash
from claims.models.history import AppendOnlyError
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def test_a_claim_whose_text_is_not_its_span_of_the_body_is_refused():
    article = ArticleFactory(body="Le chômage a baissé. Il fait beau.")
    with pytest.raises(ValidationError):
        Claim.objects.create(article=article, text="Le chômage a monté.", start=0, end=19)
    assert article.claims.count() == 0


def test_a_claim_whose_span_matches_the_body_is_saved():
    article = ArticleFactory(body="Le chômage a baissé. Il fait beau.")
    claim = Claim.objects.create(article=article, text="Le chômage a baissé.", start=0, end=20)
    assert article.body[claim.start : claim.end] == claim.text


def test_the_database_refuses_an_empty_span_and_a_score_outside_0_and_1():
    claim = ClaimFactory()
    for field, value in (("end", claim.start), ("score", 1.5)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(**{field: value})


def test_the_content_hash_ignores_line_endings_and_surrounding_space():
    assert content_hash("Un texte.\r\nDeux.  ") == content_hash("Un texte.\nDeux.")
    assert content_hash("Un texte.") != content_hash("Un autre texte.")


def test_a_month_precision_date_displays_as_year_and_month():
    article = ArticleFactory(published_on=dt.date(2023, 1, 1), published_precision="month")
    assert article.published_display == "2023-01"


def test_ratings_carry_claimreview_values_and_labels_in_both_languages():
    assert [r.numeric for r in Rating] == [1, 2, 3, 4, 5, None]
    assert Rating.MOSTLY_FALSE.label_in("fr") == "Plutôt faux"
    assert Rating.MISLEADING.label_in("en") == "Misleading"
    assert Rating.UNVERIFIABLE.label_in("fr") == "Invérifiable"


def test_history_events_cannot_be_changed_or_deleted_through_the_app():
    event = ClaimEvent.objects.create(claim=ClaimFactory(), kind="comment", message="vu")
    event.message = "autre"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert ClaimEvent.objects.get(pk=event.pk).message == "vu"


def test_history_is_append_only_in_the_database_even_for_bulk_updates():
    from django.db import DatabaseError, transaction

    from tests.helpers import require_postgresql

    require_postgresql()
    claim = ClaimFactory()
    event = ClaimEvent.objects.create(claim=claim, kind="comment", message="vu")
    for attempt in (
        lambda: ClaimEvent.objects.filter(pk=event.pk).update(message="réécrit"),
        lambda: ClaimEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert ClaimEvent.objects.get(pk=event.pk).message == "vu"


def test_a_claim_with_history_cannot_be_deleted():
    from django.db.models import ProtectedError

    claim = ClaimFactory()
    ClaimEvent.objects.create(claim=claim, kind="comment", message="vu")
    with pytest.raises(ProtectedError):
        claim.delete()
    assert ClaimEvent.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://ftp.example.org/a", "https://x.org/" + "a" * 1000])
def test_models_refuse_a_link_that_is_not_http_so_the_admin_does_too(url):
    from claims.models import Evidence, FactCheck

    for model in (ArticleFactory.build(url=url), Evidence(url=url), FactCheck(url=url)):
        with pytest.raises(ValidationError) as refused:
            model.full_clean(exclude=[f.name for f in model._meta.fields if f.name != "url"])
        assert set(refused.value.message_dict) == {"url"}


def test_a_choice_s_label_is_shown_in_the_active_language_and_an_unknown_code_as_it_is():
    from django.utils import translation

    claim = Claim(status=ClaimStatus.IN_REVIEW)
    with translation.override("fr"):
        assert claim.get_status_display() == "En relecture"
    with translation.override("en"):
        assert claim.get_status_display() == "In review"
        assert ClaimEvent(kind="review").get_kind_display() == "Review"
        claim.status = "no_such_status"
        assert claim.get_status_display() == "no_such_status"
