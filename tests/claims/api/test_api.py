import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from claims.models import Article, ClaimStatus
from tests.factories import ClaimFactory
from tests.helpers import sample_text

PASSWORD = "pw-for-tests-only"


def _token_client(username: str) -> APIClient:
    anonymous = APIClient()
    response = anonymous.post("/api/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.mark.django_db(transaction=True)
def test_a_script_runs_the_whole_story_through_the_api(editor_user, second_editor, checker_user):
    editor, checker, reviewer = (_token_client(u.username) for u in (editor_user, checker_user, second_editor))

    created = editor.post(
        "/api/articles/", {"title": "Chine-Russie", "body": sample_text(), "outlet": "CNN"}, format="json"
    )
    assert created.status_code == 201
    article_id = created.json()["id"]
    article = editor.get(f"/api/articles/{article_id}/").json()  # extracted in-process in tests
    assert article["extraction_status"] == "extracted" and article["progress_done"] == article["progress_total"]
    claims = sorted(article["claims"], key=lambda c: -c["score"])
    first, second = claims[0]["id"], claims[1]["id"]

    for claim_id in (first, second):
        assert (
            editor.post(f"/api/claims/{claim_id}/triage/", {"action": "keep"}, format="json").json()["status"]
            == "to_check"
        )
        assigned = editor.post(
            f"/api/claims/{claim_id}/assign/",
            {"assignee": checker_user.username, "due_date": "2030-01-31", "note": "Vite"},
            format="json",
        )
        assert assigned.json()["assignee"] == checker_user.username
        evidence = checker.post(
            f"/api/claims/{claim_id}/evidence/",
            {"url": "https://www.state.gov/x", "title": "Département d'État", "stance": "supports"},
            format="json",
        )
        assert evidence.status_code == 201
        verdict = checker.post(
            f"/api/claims/{claim_id}/verdict/",
            {"rating": "mostly_true", "summary": "Confirmé", "rationale": "Deux sources."},
            format="json",
        )
        assert verdict.json()["status"] == "in_review"

    # The reviewer sees nothing of the proposed verdict until they rate it blind (or skip).
    hidden = reviewer.get(f"/api/claims/{first}/").json()
    assert (hidden["blind"], hidden["verdict"]) == (True, None)
    refused = reviewer.post(f"/api/claims/{first}/review/", {"decision": "approve"}, format="json")
    assert refused.status_code == 409
    rated = reviewer.post(f"/api/claims/{first}/blind-rating/", {"rating": "true"}, format="json").json()
    assert (rated["blind"], rated["verdict"]["rating"]) == (False, "mostly_true")
    reviewer.post(f"/api/claims/{second}/blind-rating/", {"rating": ""}, format="json")  # skipped
    approved = reviewer.post(f"/api/claims/{first}/review/", {"decision": "approve"}, format="json")
    assert approved.json()["status"] == "approved"
    sent_back = reviewer.post(
        f"/api/claims/{second}/review/", {"decision": "send_back", "comment": "Source ?"}, format="json"
    )
    assert sent_back.json()["status"] == "in_progress"

    listed = editor.get("/api/claims/", {"article": article_id, "status": "approved"}).json()
    assert [c["id"] for c in listed["results"]] == [first]
    assert editor.get(f"/api/claims/{first}/claimreview/").json()["reviewRating"]["ratingValue"] == 4
    assert len(editor.get(f"/api/articles/{article_id}/claimreview/").json()) == 1
    html = editor.get(f"/api/articles/{article_id}/report/", {"format": "html", "lang": "en"})
    assert html["Content-Type"].startswith("text/html") and "Mostly true" in html.content.decode()
    pdf = editor.get(f"/api/articles/{article_id}/report/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    job = editor.post("/api/exports/", {"format": "csv", "article": article_id}, format="json")
    assert job.status_code == 202
    done = editor.get(f"/api/exports/{job.json()['id']}/").json()
    assert done["status"] == "done" and done["download_url"].endswith("/download/")


@pytest.mark.django_db
def test_an_illegal_transition_answers_409_and_changes_nothing(editor_user):
    claim = ClaimFactory(status=ClaimStatus.APPROVED)
    client = APIClient()
    client.force_authenticate(editor_user)
    response = client.post(
        f"/api/claims/{claim.pk}/triage/", {"action": "dismiss"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409 and "not possible" in response.json()["detail"]
    french = client.post(f"/api/claims/{claim.pk}/triage/", {"action": "dismiss"}, format="json")
    assert "n’est pas possible" in french.json()["detail"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


@pytest.mark.django_db
def test_invalid_input_answers_400_with_field_errors(editor_user):
    client = APIClient()
    client.force_authenticate(editor_user)
    response = client.post("/api/articles/", {"title": "x"}, format="json")
    assert response.status_code == 400 and "body" in response.json()
    response = client.post("/api/articles/", {"body": "\x00\x01binaire"}, format="json")
    assert response.status_code == 400
    response = client.post("/api/articles/", {"body": "Un texte.", "published": "hier"}, format="json")
    assert response.status_code == 400 and "published" in response.json()
    response = client.get("/api/claims/", {"article": "abc", "status": "nope"})
    assert response.status_code == 400 and set(response.json()) == {"article", "status"}
    claim = ClaimFactory(status=ClaimStatus.IN_REVIEW)
    response = client.post(f"/api/claims/{claim.pk}/review/", {"decision": "send_back"}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    assert Article.objects.count() == 1  # only the claim's own article


@pytest.mark.django_db
def test_a_checker_cannot_work_on_another_checkers_claim(checker_user, other_checker):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=other_checker)
    client = APIClient()
    client.force_authenticate(checker_user)
    response = client.post(f"/api/claims/{claim.pk}/verdict/", {"rating": "true", "summary": "Vrai"}, format="json")
    assert response.status_code == 403
    assert not claim.verdicts.exists()


@pytest.mark.django_db
def test_users_without_a_role_and_anonymous_users_get_nothing(outsider):
    claim = ClaimFactory()
    assert APIClient().get(f"/api/claims/{claim.pk}/").status_code == 401
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(f"/api/claims/{claim.pk}/").status_code == 403
    assert client.post("/api/articles/", {"body": "Un texte."}, format="json").status_code == 403


@pytest.mark.django_db
def test_checkers_cannot_submit_articles_or_export(checker_user):
    client = APIClient()
    client.force_authenticate(checker_user)
    assert client.post("/api/articles/", {"body": "Un texte."}, format="json").status_code == 403
    assert client.post("/api/exports/", {"format": "csv"}, format="json").status_code == 403
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_claim_lists_use_cursor_pagination_with_constant_queries(editor_user, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(editor_user)
    for _ in range(3):
        ClaimFactory()
    with django_assert_max_num_queries(12) as few:
        first = client.get("/api/claims/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and "cursor=" in first["next"]
    for _ in range(20):
        ClaimFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/claims/", {"page_size": 20})


@pytest.mark.django_db
def test_the_openapi_schema_and_its_docs_are_served_to_desk_members(client, checker_user):
    client.force_login(checker_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/auth/token/",
        "/api/articles/",
        "/api/articles/{id}/",
        "/api/claims/",
        "/api/claims/{id}/",
        "/api/claims/{id}/triage/",
        "/api/claims/{id}/assign/",
        "/api/claims/{id}/evidence/",
        "/api/claims/{id}/verdict/",
        "/api/claims/{id}/review/",
        "/api/claims/{id}/claimreview/",
        "/api/articles/{id}/claimreview/",
        "/api/articles/{id}/report/",
        "/api/exports/",
        "/api/exports/{id}/",
    ):
        assert path in paths, path
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


@pytest.mark.django_db
def test_the_openapi_schema_and_its_docs_are_private_by_default(client, outsider):
    assert client.get("/api/schema/").status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs.url.startswith("/accounts/login/?next=/api/docs/")
    client.force_login(outsider)  # logged in, but not on the desk
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403


@pytest.mark.django_db
def test_a_desk_members_token_reads_the_schema(checker_user):
    assert _token_client(checker_user.username).get("/api/schema/").status_code == 200


@pytest.mark.django_db
@override_settings(FACTCHECK_PUBLIC_API_DOCS=True)
def test_the_public_docs_setting_publishes_the_schema_and_its_docs_to_anyone(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "swagger-ui" in docs.content.decode()
    assert client.get("/api/claims/").status_code == 401  # only the docs: the API stays private


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/claims/?article=35901068904767991808",
        "/api/claims/35901068904767991808/",
        "/api/articles/99999999999999999999999/",
        "/claims/99999999999999999999999/",
        "/triage/?article=99999999999999999999999",
    ],
)
def test_ids_too_large_for_the_database_are_refused_not_crashed(client, editor_user, url):
    client.force_login(editor_user)
    assert client.get(url).status_code in (400, 404, 200)


@pytest.mark.django_db
def test_evidence_without_a_link_is_accepted(checker_user):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    client = APIClient()
    client.force_authenticate(checker_user)
    response = client.post(
        f"/api/claims/{claim.pk}/evidence/", {"title": "Appel au ministère", "stance": "context"}, format="json"
    )
    assert response.status_code == 201 and response.json()["url"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://ftp.example.org/a.txt", "https://x.org/" + "a" * 1206],
)
def test_the_api_refuses_every_url_the_forms_refuse(editor_user, checker_user, url):
    client = APIClient()
    client.force_authenticate(editor_user)
    response = client.post("/api/articles/", {"body": "Le chômage a baissé de 2 %.", "url": url}, format="json")
    assert response.status_code == 400 and "url" in response.json()
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    client.force_authenticate(checker_user)
    response = client.post(
        f"/api/claims/{claim.pk}/evidence/", {"url": url, "title": "Source", "stance": "context"}, format="json"
    )
    assert response.status_code == 400 and "url" in response.json()
    assert Article.objects.count() == 1 and not claim.evidence.exists()  # only the claim's own article


@pytest.mark.django_db
@pytest.mark.parametrize("published", ["2023-01-15 this is not a date", "2023-1-5", "2023-02-30", "15/01/2023"])
def test_the_api_refuses_a_publication_date_that_is_not_exactly_one_of_the_formats(editor_user, published):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(editor_user)
    response = client.post("/api/articles/", {"body": "Le chômage a baissé.", "published": published}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "published": [
            f"The publication date “{published}” is not a date. Use YYYY-MM-DD, YYYY-MM or YYYY, "
            "for example 2023-01-15."
        ]
    }
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,  # past Python's recursion limit
        b'{"body": "Un texte.", "title": ' + b"[" * 65 + b"]" * 65 + b"}",  # within it, past ours
    ],
)
def test_a_json_body_nested_too_deep_answers_400_and_saves_nothing(editor_user, body):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(editor_user)
    response = client.post("/api/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The JSON is nested more than 64 levels deep; nothing the desk reads needs that many."
    }
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_json_body_larger_than_any_article_needs_answers_400_unread(editor_user, settings):
    settings.FACTCHECK_MAX_ARTICLE_BYTES = 1_000
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(editor_user)
    response = client.post("/api/articles/", {"body": "Une phrase. " * 400}, format="json")
    assert response.status_code == 400 and "larger than 4,000 bytes" in response.json()["detail"]
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_an_api_filter_with_a_nul_character_filters_by_what_is_around_it(editor_user, checker_user):
    mine = ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user)
    ClaimFactory(status=ClaimStatus.TO_CHECK)
    client = APIClient()
    client.force_authenticate(editor_user)
    response = client.get("/api/claims/", {"assignee": f"{checker_user.username}\x00"})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [mine.pk]


@pytest.mark.django_db
def test_api_refusals_speak_the_language_the_client_asks_for(editor_user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_authenticate(editor_user)
    response = client.post("/api/articles/", {"body": "Un texte.", "url": "javascript:alert(1)"}, format="json")
    refusal = "Seules les adresses http et https sont acceptées, pas « javascript:alert(1) »."
    assert response.json() == {"url": [refusal]}


@pytest.mark.django_db
def test_an_article_at_the_file_limit_sent_as_escaped_json_is_refused_with_its_reason(editor_user):
    """1 MB of French, every accent written \\u00e9 as most JSON libraries do: over Django's old
    1.1 MB body limit, it got a bare 400; now ingestion says its size, the limit and what to do."""
    import json

    body = ("Le déficit a été réduit de 2 % en 2023, selon l’Insee. " * 20_000)[:860_000]
    assert len(body.encode()) <= 1_000_000 and len(json.dumps({"body": body})) > 1_100_000
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(editor_user)
    response = client.post("/api/articles/", json.dumps({"body": body}), content_type="application/json")
    assert response.status_code == 400, response.content
    assert "Split it into parts" in json.dumps(response.json())
    assert not Article.objects.exists()
