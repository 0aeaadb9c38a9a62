"""Tags and saved searches: the database's constraints, the services' guards, and the one claim filter."""

import pytest
from django.db import IntegrityError, transaction

from claims import workflow
from claims.models import ArticleTag, Claim, ClaimEvent, ClaimTag, SavedSearch, Tag
from claims.models.history import EventKind
from claims.saved_lists import saved_search_entry
from claims.services import saved_searches, tags
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_two_tag_names_differing_only_by_case(editor_user):
    Tag.objects.create(name="Budget", slug="budget")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="bUDGET", slug="budget-2")


def test_the_database_refuses_an_empty_tag_name_and_a_claim_tagged_twice(editor_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="", slug="empty")
    tag, claim = Tag.objects.create(name="Santé", slug="sante"), ClaimFactory()
    ClaimTag.objects.create(claim=claim, tag=tag)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimTag.objects.create(claim=claim, tag=tag)


def test_the_database_refuses_two_desk_searches_of_one_name_but_allows_two_people_theirs(editor_user, second_editor):
    SavedSearch.objects.create(name="Santé", owner=editor_user, list_name="claims", desk_wide=True)
    SavedSearch.objects.create(name="Mine", owner=editor_user, list_name="claims")
    SavedSearch.objects.create(name="MINE", owner=second_editor, list_name="claims")
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedSearch.objects.create(name="santé", owner=second_editor, list_name="triage", desk_wide=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedSearch.objects.create(name="mine", owner=editor_user, list_name="triage")


def test_an_editor_creates_a_tag_with_a_slug_and_a_second_of_the_same_name_is_refused_in_words(editor_user):
    tag = tags.tag_create(name="  Élections \n municipales ", actor=editor_user, colour="blue")
    assert (tag.name, tag.slug, tag.colour, tag.created_by) == (
        "Élections municipales",
        "elections-municipales",
        "blue",
        editor_user,
    )
    with pytest.raises(tags.TagError, match="already a tag"):
        tags.tag_create(name="ÉLECTIONS MUNICIPALES", actor=editor_user)
    assert Tag.objects.count() == 1


def test_tag_names_that_slugify_alike_get_slugs_of_their_own(editor_user):
    first = tags.tag_create(name="Élection", actor=editor_user)
    second = tags.tag_create(name="Election!", actor=editor_user)
    third = tags.tag_create(name="???", actor=editor_user)
    assert (first.slug, second.slug, third.slug) == ("election", "election-2", "tag")


@pytest.mark.parametrize("name", ["", "   ", "\x00\x01", "x" * 51])
def test_an_empty_or_too_long_tag_name_is_refused(editor_user, name):
    with pytest.raises(tags.TagError):
        tags.tag_create(name=name, actor=editor_user)
    assert not Tag.objects.exists()


def test_a_colour_outside_the_palette_is_refused(editor_user):
    with pytest.raises(tags.TagError, match="palette"):
        tags.tag_create(name="Rouge", actor=editor_user, colour="#ff0000")


def test_renaming_a_tag_keeps_its_slug_so_filters_and_saved_searches_keep_working(editor_user):
    tag = tags.tag_create(name="Budget", actor=editor_user)
    tags.claims_tag(claims=[ClaimFactory()], tag=tag, actor=editor_user)
    saved = saved_searches.saved_search_create(owner=editor_user, name="B", list_name="claims", query="tag=budget")
    tags.tag_update(tag=tag, name="Finances publiques", actor=editor_user, colour="green")
    tag.refresh_from_db()
    assert (tag.name, tag.slug, tag.colour) == ("Finances publiques", "budget", "green")
    assert saved_search_entry(saved).count == 1


def test_renaming_a_tag_to_another_tag_s_name_is_refused_but_its_own_case_may_change(editor_user):
    tags.tag_create(name="Santé", actor=editor_user)
    budget = tags.tag_create(name="Budget", actor=editor_user)
    with pytest.raises(tags.TagError):
        tags.tag_update(tag=budget, name="SANTÉ", actor=editor_user)
    assert tags.tag_update(tag=budget, name="BUDGET", actor=editor_user).name == "BUDGET"


@pytest.mark.parametrize("who", ["checker", "outsider"])
def test_only_editors_create_change_delete_or_apply_tags(editor_user, checker_user, outsider, who):
    person = {"checker": checker_user, "outsider": outsider}[who]
    tag, claim = tags.tag_create(name="Budget", actor=editor_user), ClaimFactory()
    attempts = [
        lambda: tags.tag_create(name="Autre", actor=person),
        lambda: tags.tag_update(tag=tag, name="Autre", actor=person),
        lambda: tags.tag_delete(tag=tag, actor=person),
        lambda: tags.claims_tag(claims=[claim], tag=tag, actor=person),
        lambda: tags.claims_untag(claims=[claim], tag=tag, actor=person),
        lambda: tags.article_tag(article=claim.article, tag=tag, actor=person),
    ]
    for attempt in attempts:
        with pytest.raises(workflow.NotAllowed):
            attempt()
    assert list(Tag.objects.values_list("name", flat=True)) == ["Budget"]
    assert not ClaimTag.objects.exists() and not ArticleTag.objects.exists() and not ClaimEvent.objects.exists()


def test_tagging_claims_in_bulk_records_one_history_event_per_claim_changed(editor_user):
    tag = tags.tag_create(name="Budget", actor=editor_user)
    claims = [ClaimFactory() for _ in range(3)]
    assert tags.claims_tag(claims=claims[:2], tag=tag, actor=editor_user) == 2
    assert tags.claims_tag(claims=claims, tag=tag, actor=editor_user) == 1  # the two already tagged are left alone
    events = ClaimEvent.objects.filter(kind=EventKind.TAGS)
    assert sorted(events.values_list("claim_id", flat=True)) == sorted(c.pk for c in claims)
    assert {tuple(e.changes["added"]) for e in events} == {("Budget",)} and {e.actor for e in events} == {editor_user}
    assert tags.claims_untag(claims=claims, tag=tag, actor=editor_user) == 3
    assert ClaimEvent.objects.filter(kind=EventKind.TAGS).count() == 6 and not ClaimTag.objects.exists()


def test_a_tagged_claim_is_desk_work_that_re_extraction_keeps(editor_user):
    tag, claim = tags.tag_create(name="Budget", actor=editor_user), ClaimFactory()
    assert Claim.objects.untouched().filter(pk=claim.pk).exists()
    tags.claims_tag(claims=[claim], tag=tag, actor=editor_user)
    assert not Claim.objects.untouched().filter(pk=claim.pk).exists()


def test_deleting_a_tag_takes_it_off_every_claim_and_article_and_the_history_stays(editor_user):
    tag, claim = tags.tag_create(name="Budget", actor=editor_user), ClaimFactory()
    tags.claims_tag(claims=[claim], tag=tag, actor=editor_user)
    tags.article_tag(article=claim.article, tag=tag, actor=editor_user)
    tags.tag_delete(tag=tag, actor=editor_user)
    assert not ClaimTag.objects.exists() and not ArticleTag.objects.exists()
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.TAGS).count() == 1


def test_the_one_claim_filter_and_the_article_filter_narrow_by_tag(editor_user):
    from claims import selectors

    tag = tags.tag_create(name="Budget", actor=editor_user)
    tagged, other = ClaimFactory(), ClaimFactory()
    tags.claims_tag(claims=[tagged], tag=tag, actor=editor_user)
    tags.article_tag(article=other.article, tag=tag, actor=editor_user)
    assert list(Claim.objects.filtered(tag="budget")) == [tagged]
    assert list(Claim.objects.filtered(tag="")) == list(Claim.objects.all())
    assert list(selectors.article_filtered(tag="budget")) == [other.article]
    assert not Claim.objects.filtered(tag="nothing").exists()


def test_the_tag_choices_are_read_afresh_after_a_tag_changes(editor_user, django_assert_num_queries):
    from claims import selectors

    tags.tag_create(name="Budget", actor=editor_user)
    assert selectors.tag_choices() == [("budget", "Budget")]
    with django_assert_num_queries(0):
        selectors.tag_choices()
    Tag.objects.create(name="Santé", slug="sante")  # not through the service: the signal forgets the list
    assert selectors.tag_choices() == [("budget", "Budget"), ("sante", "Santé")]


# Saved searches


def test_a_saved_search_keeps_only_the_list_s_own_valid_filters_in_their_order(editor_user):
    tags.tag_create(name="Budget", actor=editor_user)
    saved = saved_searches.saved_search_create(
        owner=editor_user,
        name="Budget à trier",
        list_name="triage",
        query="next=javascript:alert(1)&tag=budget&page=3&language=fr&status=approved&sort=score",
    )
    assert saved.query == "language=fr&tag=budget"  # triage has no status filter; the default sort is implied


@pytest.mark.parametrize(
    ("list_name", "query"),
    [
        ("claims", "score_min=2"),
        ("claims", "tag=no-such-tag"),
        ("claims", "date_from=yesterday"),
        ("articles", "status=nonsense"),
        ("admin", ""),
        ("javascript:alert(1)", "tag=budget"),
    ],
)
def test_filters_a_list_refuses_or_a_list_that_does_not_exist_are_not_saved(editor_user, list_name, query):
    with pytest.raises(saved_searches.SavedSearchError):
        saved_searches.saved_search_create(owner=editor_user, name="x", list_name=list_name, query=query)
    assert not SavedSearch.objects.exists()


def test_only_editors_save_for_the_desk_and_a_checker_cannot_save_triage(checker_user):
    with pytest.raises(workflow.NotAllowed):
        saved_searches.saved_search_create(owner=checker_user, name="x", list_name="claims", query="", desk_wide=True)
    with pytest.raises(saved_searches.SavedSearchError):
        saved_searches.saved_search_create(owner=checker_user, name="x", list_name="triage", query="")
    mine = saved_searches.saved_search_create(owner=checker_user, name="Les miens", list_name="claims", query="")
    assert (mine.desk_wide, mine.owner) == (False, checker_user)


def test_a_person_renames_and_deletes_their_own_and_editors_the_desk_s(editor_user, second_editor, checker_user):
    desk = saved_searches.saved_search_create(
        owner=editor_user, name="Desk", list_name="claims", query="language=fr", desk_wide=True
    )
    mine = saved_searches.saved_search_create(owner=checker_user, name="Mine", list_name="claims", query="")
    for attempt in (
        lambda: saved_searches.saved_search_rename(saved=desk, actor=checker_user, name="Pris"),
        lambda: saved_searches.saved_search_delete(saved=desk, actor=checker_user),
        lambda: saved_searches.saved_search_rename(saved=mine, actor=editor_user, name="Pris"),
        lambda: saved_searches.saved_search_delete(saved=mine, actor=second_editor),
    ):
        with pytest.raises(workflow.NotAllowed):
            attempt()
    assert saved_searches.saved_search_rename(saved=desk, actor=second_editor, name="Bureau").name == "Bureau"
    saved_searches.saved_search_delete(saved=mine, actor=checker_user)
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Bureau"]


def test_a_saved_search_whose_tag_or_list_is_gone_is_broken_not_an_error(editor_user):
    tag = tags.tag_create(name="Budget", actor=editor_user)
    by_tag = saved_searches.saved_search_create(owner=editor_user, name="T", list_name="claims", query="tag=budget")
    gone_list = SavedSearch.objects.create(name="Old", owner=editor_user, list_name="removed", query="a=1")
    renamed_filter = SavedSearch.objects.create(name="F", owner=editor_user, list_name="claims", query="colour=red")
    assert saved_search_entry(by_tag).broken is False
    tags.tag_delete(tag=tag, actor=editor_user)
    assert saved_search_entry(by_tag).broken is True
    assert saved_search_entry(gone_list).broken is True and saved_search_entry(gone_list).url == ""
    assert saved_search_entry(renamed_filter).broken is True


def test_a_saved_search_s_count_is_cached_for_a_short_time(editor_user, django_assert_num_queries, settings):
    ClaimFactory()
    saved = saved_searches.saved_search_create(owner=editor_user, name="Tout", list_name="claims", query="")
    assert saved_search_entry(saved).count == 1
    ClaimFactory()
    with django_assert_num_queries(0):
        assert saved_search_entry(saved).count == 1  # up to FACTCHECK_DASHBOARD_CACHE_SECONDS old
