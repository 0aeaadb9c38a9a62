"""Tags and saved searches through the pages: every list filtered by tag, tagging one claim or many, the
saved searches in the navigation, and every door attacked by each role and by forged POSTs."""

import pytest
from django.urls import reverse

from claims.models import ArticleTag, ClaimEvent, ClaimStatus, ClaimTag, SavedSearch, Tag
from claims.models.history import EventKind
from claims.services import saved_searches, tags
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def budget(editor_user):
    return tags.tag_create(name="Budget", actor=editor_user, colour="blue")


@pytest.fixture
def desk(editor_user, checker_user, budget):
    """Two claims of each kind the lists show, one of each tagged Budget, and a tagged article."""
    made = {
        "detected": [ClaimFactory(), ClaimFactory()],
        "assigned": [ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user) for _ in range(2)],
    }
    for claims in made.values():
        tags.claims_tag(claims=claims[:1], tag=budget, actor=editor_user)
    made["articles"] = [ArticleFactory(title="Budget 2027"), ArticleFactory(title="Budget 2026")]
    tags.article_tag(article=made["articles"][0], tag=budget, actor=editor_user)
    return made


def _ids(response) -> list[int]:
    return [item.pk for item in response.context["page"]]


# Every list, filtered by tag


def test_the_claims_list_and_triage_filter_by_tag(client, editor_user, desk):
    client.force_login(editor_user)
    claims = client.get(reverse("claims:claim-list"), {"tag": "budget"})
    assert set(_ids(claims)) == {desk["detected"][0].pk, desk["assigned"][0].pk}
    assert _ids(client.get(reverse("claims:triage"), {"tag": "budget"})) == [desk["detected"][0].pk]
    assert len(_ids(client.get(reverse("claims:triage")))) == 2


def test_the_queue_filters_by_tag(client, checker_user, desk):
    client.force_login(checker_user)
    assert _ids(client.get(reverse("claims:queue"), {"tag": "budget"})) == [desk["assigned"][0].pk]
    assert len(_ids(client.get(reverse("claims:queue")))) == 2


def test_the_articles_list_filters_by_tag(client, checker_user, desk):
    client.force_login(checker_user)
    assert _ids(client.get(reverse("claims:article-list"), {"tag": "budget"})) == [desk["articles"][0].pk]


def test_search_filters_claims_and_articles_by_tag(client, checker_user, desk):
    client.force_login(checker_user)
    response = client.get(reverse("claims:search"), {"q": "Budget", "tag": "budget"})
    assert [a.pk for a in response.context["articles"]] == [desk["articles"][0].pk]
    response = client.get(reverse("claims:search"), {"q": "chômage", "tag": "budget"})
    assert {c.pk for c in response.context["claims"]} <= {desk["detected"][0].pk, desk["assigned"][0].pk}


def test_an_unknown_tag_in_a_list_s_query_is_dropped_with_its_message_not_a_500(client, editor_user, desk):
    client.force_login(editor_user)
    response = client.get(reverse("claims:claim-list"), {"tag": "<script>", "language": "fr"})
    assert response.status_code == 200 and len(_ids(response)) == 4
    assert response.context["filter_form"].errors["tag"]


# Tagging one claim or article


def test_an_editor_tags_a_claim_with_htmx_and_gets_its_tags_back(client, editor_user, budget):
    claim = ClaimFactory()
    client.force_login(editor_user)
    url = reverse("claims:claim-tags", args=[claim.pk])
    response = client.post(url, {"action": "add", "tag": "budget"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-tag="budget"' in response.content.decode()
    assert list(claim.tags.all()) == [budget]
    assert ClaimEvent.objects.get(claim=claim, kind=EventKind.TAGS).changes == {"added": ["Budget"]}
    client.post(url, {"action": "remove", "tag": "budget", "next": claim.get_absolute_url()})
    assert not claim.tags.exists()
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Tag removed: Budget" in page and "Tag added: Budget" in page


def test_an_editor_tags_an_article_without_javascript(client, editor_user, budget):
    article = ArticleFactory()
    client.force_login(editor_user)
    response = client.post(reverse("claims:article-tags", args=[article.pk]), {"action": "add", "tag": "budget"})
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert list(article.tags.all()) == [budget]
    assert 'data-tag="budget"' in client.get(article.get_absolute_url()).content.decode()


def test_a_checker_sees_a_claim_s_tags_without_the_forms_to_change_them(client, editor_user, checker_user, budget):
    claim = ClaimFactory()
    tags.claims_tag(claims=[claim], tag=budget, actor=editor_user)
    client.force_login(checker_user)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert 'data-tag="budget"' in page and reverse("claims:claim-tags", args=[claim.pk]) not in page


@pytest.mark.parametrize("role", ["anonymous", "outsider", "checker"])
def test_tagging_a_claim_or_article_is_refused_to_anyone_but_editors_and_changes_nothing(client, people, budget, role):
    claim = ClaimFactory()
    if people[role] is not None:
        client.force_login(people[role])
    for url in (reverse("claims:claim-tags", args=[claim.pk]), reverse("claims:article-tags", args=[claim.article_id])):
        response = client.post(url, {"action": "add", "tag": "budget"})
        assert response.status_code == (302 if role == "anonymous" else 403)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    assert not ClaimTag.objects.exists() and not ArticleTag.objects.exists() and not ClaimEvent.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "add", "tag": "nothing"},  # no such tag
        {"action": "add", "tag": "1"},  # an id, not a slug (a tag of another kind of reference)
        {"action": "add", "tag": "x" * 100_000},
        {"action": "add"},
        {"action": "delete", "tag": "budget"},
        {"action": "add", "tag": "budget\x00"},
    ],
)
def test_a_forged_tag_post_is_refused_and_changes_nothing(client, editor_user, budget, data):
    claim = ClaimFactory()
    client.force_login(editor_user)
    response = client.post(reverse("claims:claim-tags", args=[claim.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    response = client.post(reverse("claims:claim-tags", args=[claim.pk]), data, follow=True)
    assert "Choose one of the desk&#x27;s tags." in response.content.decode()
    assert not ClaimTag.objects.exists() and not ClaimEvent.objects.exists()


def test_a_tag_for_a_claim_that_does_not_exist_is_404(client, editor_user, budget):
    client.force_login(editor_user)
    assert (
        client.post(reverse("claims:claim-tags", args=[10**9]), {"action": "add", "tag": "budget"}).status_code == 404
    )


# Tagging in bulk


def test_an_editor_tags_claims_in_bulk_from_triage_and_back_to_the_same_list(client, editor_user, budget):
    claims = [ClaimFactory() for _ in range(3)]
    client.force_login(editor_user)
    listing = reverse("claims:triage") + "?language=fr"
    data = {"action": "tag", "tag": "budget", "claims": [c.pk for c in claims[:2]], "next": listing}
    response = client.post(reverse("claims:triage-bulk"), data)
    assert response.status_code == 302 and response["Location"] == listing
    assert set(budget.claims.values_list("pk", flat=True)) == {claims[0].pk, claims[1].pk}
    assert ClaimEvent.objects.filter(kind=EventKind.TAGS).count() == 2
    assert {c.status for c in budget.claims.all()} == {ClaimStatus.DETECTED}  # tagging is not triage
    client.post(reverse("claims:triage-bulk"), {**data, "action": "untag"})
    assert not budget.claims.exists()


def test_bulk_tagging_without_a_tag_is_refused_in_words(client, editor_user, budget):
    claim = ClaimFactory()
    client.force_login(editor_user)
    response = client.post(reverse("claims:triage-bulk"), {"action": "tag", "claims": [claim.pk]}, follow=True)
    assert "Choose at least one claim and an action." in response.content.decode()
    assert not ClaimTag.objects.exists()


def test_an_editor_tags_claims_of_any_status_in_bulk_from_the_claims_list(client, editor_user, checker_user, budget):
    claims = [ClaimFactory(), ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user)]
    client.force_login(editor_user)
    page = client.get(reverse("claims:claim-list")).content.decode()
    assert reverse("claims:claims-bulk-tag") in page
    data = {"action": "tag", "tag": "budget", "claims": [c.pk for c in claims]}
    assert client.post(reverse("claims:claims-bulk-tag"), data).status_code == 302
    assert budget.claims.count() == 2


@pytest.mark.parametrize("role", ["anonymous", "outsider", "checker"])
def test_bulk_tagging_is_refused_to_anyone_but_editors_and_changes_nothing(client, people, budget, role):
    claims = [ClaimFactory() for _ in range(2)]
    if people[role] is not None:
        client.force_login(people[role])
    data = {"action": "tag", "tag": "budget", "claims": [c.pk for c in claims]}
    for url in (reverse("claims:triage-bulk"), reverse("claims:claims-bulk-tag")):
        response = client.post(url, data)
        assert response.status_code == (302 if role == "anonymous" else 403)
    assert not ClaimTag.objects.exists() and not ClaimEvent.objects.exists()
    if role == "checker":
        assert reverse("claims:claims-bulk-tag") not in client.get(reverse("claims:claim-list")).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "tag", "tag": "budget", "claims": ["abc"]},
        {"action": "tag", "tag": "budget", "claims": [10**9]},
        {"action": "tag", "tag": "nothing", "claims": []},
        {"action": "retag", "tag": "budget"},
        {"action": "tag", "tag": "x" * 100_000},
    ],
)
def test_a_forged_bulk_tag_post_is_refused_and_changes_nothing(client, editor_user, budget, data):
    claim = ClaimFactory()
    client.force_login(editor_user)
    for url in (reverse("claims:triage-bulk"), reverse("claims:claims-bulk-tag")):
        payload = {**data, "claims": data.get("claims", [claim.pk]) or [claim.pk]}
        response = client.post(url, payload)
        assert response.status_code == 302
    assert not ClaimTag.objects.exists() and not ClaimEvent.objects.exists()


def test_bulk_tagging_from_triage_takes_only_claims_still_in_triage(client, editor_user, checker_user, budget):
    kept = ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user)
    client.force_login(editor_user)
    client.post(reverse("claims:triage-bulk"), {"action": "tag", "tag": "budget", "claims": [kept.pk]})
    assert not ClaimTag.objects.exists()


# The tags page


def test_an_editor_creates_renames_and_deletes_a_tag_from_its_page(client, editor_user):
    client.force_login(editor_user)
    client.post(reverse("claims:tag-create"), {"name": "Santé", "colour": "green"})
    tag = Tag.objects.get()
    client.post(reverse("claims:tag-update", args=[tag.pk]), {"name": "Santé publique", "colour": "red"})
    tag.refresh_from_db()
    assert (tag.name, tag.slug, tag.colour) == ("Santé publique", "sante", "red")
    page = client.get(reverse("claims:tag-list")).content.decode()
    assert "Santé publique" in page and reverse("claims:tag-delete", args=[tag.pk]) in page
    client.post(reverse("claims:tag-delete", args=[tag.pk]))
    assert not Tag.objects.exists()


def test_a_duplicate_or_huge_tag_name_is_refused_with_its_reason(client, editor_user, budget):
    client.force_login(editor_user)
    page = client.post(reverse("claims:tag-create"), {"name": "BUDGET", "colour": "grey"}, follow=True)
    assert "There is already a tag named" in page.content.decode()
    page = client.post(reverse("claims:tag-create"), {"name": "x" * 100_000, "colour": "grey"}, follow=True)
    assert "at most 50 characters" in page.content.decode()
    page = client.post(reverse("claims:tag-create"), {"name": "Rouge", "colour": "javascript:x"}, follow=True)
    assert "colour of the palette" in page.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["Budget"]


@pytest.mark.parametrize("role", ["anonymous", "outsider", "checker"])
def test_the_tag_page_s_changes_are_refused_to_anyone_but_editors(client, people, budget, role):
    if people[role] is not None:
        client.force_login(people[role])
    expected = 302 if role == "anonymous" else 403
    assert client.post(reverse("claims:tag-create"), {"name": "Autre", "colour": "grey"}).status_code == expected
    assert client.post(reverse("claims:tag-update", args=[budget.pk]), {"name": "X", "colour": "grey"}).status_code == (
        expected
    )
    assert client.post(reverse("claims:tag-delete", args=[budget.pk])).status_code == expected
    assert list(Tag.objects.values_list("name", flat=True)) == ["Budget"]
    if role == "checker":  # sees the tags, not the forms
        page = client.get(reverse("claims:tag-list")).content.decode()
        assert "Budget" in page and reverse("claims:tag-create") not in page


def test_the_tag_pages_refuse_get_for_changes(client, editor_user, budget):
    client.force_login(editor_user)
    assert client.get(reverse("claims:tag-delete", args=[budget.pk])).status_code == 405


# Saved searches


def test_saving_a_list_s_filters_for_the_desk_shows_it_in_everyone_s_navigation_with_its_count(
    client, editor_user, checker_user, desk
):
    client.force_login(editor_user)
    response = client.post(
        reverse("claims:saved-create"),
        {"name": "Budget à vérifier", "list_name": "claims", "query": "tag=budget", "desk_wide": "on"},
    )
    saved = SavedSearch.objects.get()
    assert (saved.desk_wide, saved.query) == (True, "tag=budget")
    assert response["Location"] == reverse("claims:claim-list") + "?tag=budget"
    client.force_login(checker_user)
    page = client.get(reverse("claims:dashboard")).content.decode()
    assert f'data-saved="{saved.pk}"' in page and "Budget à vérifier" in page
    assert '<span class="badge count" data-saved-count>2</span>' in page


def test_a_person_s_own_saved_search_is_not_in_anyone_else_s_navigation(client, editor_user, checker_user):
    mine = saved_searches.saved_search_create(owner=checker_user, name="Le mien", list_name="claims", query="")
    client.force_login(editor_user)
    assert f'data-saved="{mine.pk}"' not in client.get(reverse("claims:dashboard")).content.decode()
    assert client.post(reverse("claims:saved-delete", args=[mine.pk])).status_code == 404
    assert client.post(reverse("claims:saved-rename", args=[mine.pk]), {"name": "x"}).status_code == 404
    assert SavedSearch.objects.get().name == "Le mien"


def test_a_checker_cannot_save_for_the_desk_nor_change_the_desk_s_searches(client, editor_user, checker_user):
    desk = saved_searches.saved_search_create(
        owner=editor_user, name="Desk", list_name="claims", query="", desk_wide=True
    )
    client.force_login(checker_user)
    page = client.get(reverse("claims:claim-list")).content.decode()
    assert 'name="desk_wide"' not in page and 'name="name"' in page
    response = client.post(
        reverse("claims:saved-create"),
        {"name": "X", "list_name": "claims", "query": "", "desk_wide": "on"},
        follow=True,
    )
    assert "Only editors can save a search for the whole desk." in response.content.decode()
    client.post(reverse("claims:saved-rename", args=[desk.pk]), {"name": "Pris"})
    client.post(reverse("claims:saved-delete", args=[desk.pk]))
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Desk"]


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_saved_searches_are_refused_to_people_without_a_desk_role(client, people, editor_user, role):
    desk = saved_searches.saved_search_create(
        owner=editor_user, name="Desk", list_name="claims", query="", desk_wide=True
    )
    if people[role] is not None:
        client.force_login(people[role])
    expected = 302 if role == "anonymous" else 403
    assert client.get(reverse("claims:saved-list")).status_code == expected
    assert client.post(reverse("claims:saved-create"), {"name": "X", "list_name": "claims"}).status_code == expected
    assert client.post(reverse("claims:saved-delete", args=[desk.pk])).status_code == expected
    assert SavedSearch.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "saved_as"),
    [
        ("next=https://evil.example/&tag=budget", "tag=budget"),
        ("language=fr&next=javascript:alert(1)", "language=fr"),
        ("javascript:alert(document.cookie)", ""),
        ("//evil.example/?tag=budget", ""),
    ],
)
def test_a_hostile_query_string_is_saved_as_the_list_s_own_filters_only(client, editor_user, budget, query, saved_as):
    client.force_login(editor_user)
    response = client.post(reverse("claims:saved-create"), {"name": "S", "list_name": "claims", "query": query})
    saved = SavedSearch.objects.get()
    assert saved.query == saved_as
    assert response["Location"] == reverse("claims:claim-list") + (f"?{saved_as}" if saved_as else "")


@pytest.mark.parametrize(
    "data",
    [
        {"name": "S", "list_name": "admin", "query": ""},
        {"name": "S", "list_name": "claims", "query": "score_min=9"},
        {"name": "S", "list_name": "claims", "query": "x" * 3000},
        {"name": "x" * 100_000, "list_name": "claims", "query": ""},
        {"name": "", "list_name": "claims", "query": ""},
        {"name": "S", "list_name": "triage", "query": "", "next": "javascript:alert(1)"},
    ],
)
def test_a_forged_saved_search_is_refused_and_nothing_is_saved(client, checker_user, data):
    client.force_login(checker_user)  # triage is not a checker's list
    response = client.post(reverse("claims:saved-create"), data)
    assert response.status_code == 302 and not response["Location"].startswith("javascript")
    assert not SavedSearch.objects.exists()


def test_a_broken_saved_search_shows_as_broken_in_the_navigation_and_its_page(client, editor_user, budget):
    saved = saved_searches.saved_search_create(owner=editor_user, name="Budget", list_name="claims", query="tag=budget")
    SavedSearch.objects.create(name="Ancienne", owner=editor_user, list_name="gone", query="x=1")
    tags.tag_delete(tag=budget, actor=editor_user)
    client.force_login(editor_user)
    for url, shown in ((reverse("claims:dashboard"), 2), (reverse("claims:saved-list"), 4)):  # the menu, the page
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count(">broken<") == shown, url
    assert f'href="{reverse("claims:claim-list")}?tag=budget"' not in page
    client.post(reverse("claims:saved-delete", args=[saved.pk]))
    assert SavedSearch.objects.count() == 1


def test_saved_searches_are_renamed_on_their_page(client, editor_user):
    saved = saved_searches.saved_search_create(owner=editor_user, name="A", list_name="articles", query="language=fr")
    client.force_login(editor_user)
    client.post(reverse("claims:saved-rename", args=[saved.pk]), {"name": "Articles en français"})
    saved.refresh_from_db()
    assert saved.name == "Articles en français"
    page = client.get(reverse("claims:saved-list")).content.decode()
    assert f'href="{reverse("claims:article-list")}?language=fr"' in page


def test_a_triage_search_saved_for_the_desk_is_not_offered_to_checkers(client, editor_user, checker_user):
    saved = saved_searches.saved_search_create(
        owner=editor_user, name="À trier", list_name="triage", query="", desk_wide=True
    )
    client.force_login(checker_user)
    assert f'data-saved="{saved.pk}"' not in client.get(reverse("claims:dashboard")).content.decode()


def _filter_tags(page: str) -> str:
    """The options of the list filter's tag select (not the bulk form's)."""
    start = page.index('id="id_tag"')
    return page[start : page.index("</select>", start)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_new_tag_is_offered_by_a_list_s_filter_already_shown_with_the_same_address(client, editor_user, language):
    """The filter form is rendered once per address and language: a new tag must still show (it did not)."""
    client.force_login(editor_user)
    tags.tag_create(name="Older", actor=editor_user)  # the filter shows once the desk has a tag
    url = reverse("claims:claim-list") + "?status=triage"
    headers = {"accept-language": language}
    before = _filter_tags(client.get(url, headers=headers).content.decode())
    assert 'value="older"' in before and 'value="brand-new"' not in before
    tags.tag_create(name="Brand new", actor=editor_user)
    assert 'value="brand-new"' in _filter_tags(client.get(url, headers=headers).content.decode())
