"""The API's `tag` parameter on the claim and article lists, and the tags in what it returns."""

import pytest
from rest_framework.test import APIClient

from claims.services import tags
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(checker_user):
    client = APIClient()
    client.force_authenticate(checker_user)
    return client


@pytest.fixture
def tagged(editor_user):
    budget = tags.tag_create(name="Budget", actor=editor_user, colour="blue")
    sante = tags.tag_create(name="Santé", actor=editor_user)
    claims = [ClaimFactory() for _ in range(3)]
    tags.claims_tag(claims=claims[:2], tag=budget, actor=editor_user)
    tags.claims_tag(claims=claims[:1], tag=sante, actor=editor_user)
    tags.article_tag(article=claims[0].article, tag=budget, actor=editor_user)
    return claims


def test_the_claim_list_filters_by_tag_and_each_claim_carries_its_tags(api, tagged):
    body = api.get("/api/claims/", {"tag": "budget"}).json()
    assert sorted(c["id"] for c in body["results"]) == sorted(c.pk for c in tagged[:2])
    first = next(c for c in body["results"] if c["id"] == tagged[0].pk)
    assert first["tags"] == [
        {"slug": "budget", "name": "Budget", "colour": "blue"},
        {"slug": "sante", "name": "Santé", "colour": "grey"},
    ]
    assert len(api.get("/api/claims/").json()["results"]) == 3
    assert api.get(f"/api/claims/{tagged[2].pk}/").json()["tags"] == []


def test_the_article_list_filters_by_tag_and_shows_its_tags_without_its_claims(api, tagged):
    ArticleFactory()
    body = api.get("/api/articles/", {"tag": "budget"}).json()
    assert [a["id"] for a in body["results"]] == [tagged[0].article_id]
    assert body["results"][0]["tags"] == [{"slug": "budget", "name": "Budget", "colour": "blue"}]
    assert "claims" not in body["results"][0]
    assert len(api.get("/api/articles/").json()["results"]) == 4
    detail = api.get(f"/api/articles/{tagged[0].article_id}/").json()
    assert detail["tags"][0]["slug"] == "budget" and detail["claims"][0]["tags"]


@pytest.mark.parametrize("url", ["/api/claims/", "/api/articles/"])
@pytest.mark.parametrize("tag", ["nothing", "x" * 500, "<script>", "budget\x00"])
def test_an_unknown_tag_is_a_400_that_says_so(api, tagged, url, tag):
    response = api.get(url, {"tag": tag})
    assert response.status_code == 400 and "tag" in response.json()


def test_the_article_list_is_refused_without_a_desk_role(outsider, tagged):
    client = APIClient()
    assert client.get("/api/articles/").status_code in (401, 403)
    client.force_authenticate(outsider)
    assert client.get("/api/articles/").status_code == 403


def test_the_claim_list_reads_the_tags_of_a_page_in_one_query(api, tagged, editor_user, django_assert_max_num_queries):
    api.get("/api/claims/")  # the tag choices cached
    with django_assert_max_num_queries(12) as few:
        api.get("/api/claims/", {"tag": "budget"})
    more = [ClaimFactory() for _ in range(10)]
    tags.claims_tag(claims=more, tag=tagged[0].tags.get(slug="budget"), actor=editor_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/claims/", {"tag": "budget"}).json()["results"]) == 12
