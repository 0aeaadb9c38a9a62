import datetime as dt

import pytest
from django.urls import reverse

from claims.models import Article
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("claims:article-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_with_no_role_sees_nothing_of_the_desk(client, outsider):
    article = ArticleFactory()
    client.force_login(outsider)
    for url in (reverse("claims:article-list"), article.get_absolute_url(), reverse("claims:article-create")):
        assert client.get(url).status_code == 403


def test_the_article_list_uses_a_constant_number_of_queries(client, checker_user, django_assert_num_queries):
    ArticleFactory.create_batch(3)
    client.force_login(checker_user)
    # 6 for the page (the user comes with their session epoch, their permissions in one query), 1 for the
    # unread notifications and 1 for the saved searches in the navigation, 1 for the tags offered by the
    # filter (cached: not on the next page) (the session, touched at login, is not saved again within the minute)
    with django_assert_num_queries(9):
        client.get(reverse("claims:article-list"))
    with django_assert_num_queries(8) as few:
        client.get(reverse("claims:article-list"))
    ArticleFactory.create_batch(12)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("claims:article-list"))
    assert len(response.context["page"]) == 15


def test_an_article_page_shows_its_claims_highlighted_in_place(client, checker_user):
    claim = ClaimFactory()
    client.force_login(checker_user)
    response = client.get(claim.article.get_absolute_url())
    assert response.status_code == 200
    assert f'id="claim-{claim.pk}"'.encode() in response.content


def test_article_text_with_markup_is_shown_as_text(client, checker_user):
    article = ArticleFactory(body='Le <script>alert("x")</script> ministre a menti.')
    client.force_login(checker_user)
    response = client.get(article.get_absolute_url())
    assert b"<script>alert" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_an_editor_submits_pasted_text_and_is_sent_to_the_article(client, editor_user):
    client.force_login(editor_user)
    response = client.post(
        reverse("claims:article-create"), {"body": "Le chômage a baissé de 2 % en 2023.", "title": "Chômage"}
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == article.get_absolute_url()
    assert article.submitted_by == editor_user


def test_a_bad_upload_shows_the_reason_and_saves_nothing(client, editor_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor_user)
    upload = SimpleUploadedFile("a.txt", "Le ministre a été clair.".encode("latin-1"))
    response = client.post(reverse("claims:article-create"), {"file": upload})
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not Article.objects.exists()


def test_checkers_cannot_submit_articles(client, checker_user):
    client.force_login(checker_user)
    response = client.post(reverse("claims:article-create"), {"body": "Un texte."})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_an_editor_imports_many_articles_from_a_jsonl_file_and_sees_what_failed(client, editor_user):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = [
        json.dumps({"title": "Un", "body": "Le chômage a baissé de 2 %."}),
        "{oops",
        json.dumps({"title": "Deux", "body": "Le déficit a atteint 5 % du PIB."}),
    ]
    client.force_login(editor_user)
    upload = SimpleUploadedFile("lot.jsonl", "\n".join(lines).encode())
    response = client.post(reverse("claims:article-create"), {"file": upload}, follow=True)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Deux", "Un"]
    page = response.content.decode()
    assert "2 articles added" in page or "2 articles ajoutés" in page
    assert "Ligne 2 :" in page or "Line 2:" in page  # the bad line is named


def _upload(client, name: str, data: bytes, *, follow: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = {"file": SimpleUploadedFile(name, data)}
    return client.post(reverse("claims:article-create"), upload, follow=follow, HTTP_ACCEPT_LANGUAGE="en")


def test_bulk_records_with_a_javascript_or_data_url_are_refused_by_line_and_never_become_links(client, editor_user):
    import json

    lines = [
        json.dumps({"title": "Bon", "body": "Le chômage a baissé de 2 %.", "url": "https://www.lemonde.fr/a"}),
        json.dumps({"title": "Script", "body": "Le déficit a atteint 5 % du PIB.", "url": "javascript:alert(1)"}),
        json.dumps({"title": "Data", "body": "La dette a augmenté.", "url": "data:text/html,<script>x</script>"}),
    ]
    client.force_login(editor_user)
    page = _upload(client, "lot.jsonl", "\n".join(lines).encode(), follow=True).content.decode()
    assert list(Article.objects.values_list("title", "url")) == [("Bon", "https://www.lemonde.fr/a")]
    assert "Line 2: Only http and https addresses are accepted, not “javascript:alert(1)”." in page
    assert "Line 3: Only http and https addresses are accepted" in page


@pytest.mark.parametrize(
    ("url", "reason"),
    [("ftp://ftp.example.org/a.txt", "Only http and https"), ("https://x.org/" + "a" * 1206, "1,220 characters")],
)
def test_the_article_form_refuses_a_url_that_is_not_an_http_link_the_desk_can_store(client, editor_user, url, reason):
    client.force_login(editor_user)
    response = client.post(
        reverse("claims:article-create"), {"body": "Le chômage a baissé.", "url": url}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert reason in " ".join(response.context["form"].errors["url"])
    assert not Article.objects.exists()


def _jsonl(*records, ensure_ascii: bool = True) -> bytes:
    import json

    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=ensure_ascii) for r in records).encode()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"url": "https://www.lemonde.fr/" + "a" * 1197}, "The URL is 1,220 characters long; the limit is 1,000."),
        ({"body": "Le texte\ud800 cassé."}, "“body” contains U+D800, which is not a character"),
        ({"title": "Titre\x00"}, "“title” contains control characters"),
    ],
)
def test_a_bulk_upload_saves_every_good_record_and_lists_each_bad_one_by_line(client, editor_user, bad, reason):
    data = _jsonl(
        {"title": "Un", "body": "Le chômage a baissé de 2 %."},
        {"title": "Deux", "body": "Le déficit a atteint 5 % du PIB."} | bad,
        {"title": "Trois", "body": "La dette a augmenté de 3 %."},
    )
    client.force_login(editor_user)
    response = _upload(client, "lot.jsonl", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 articles added, 0 already on the desk." in page
    assert f"Line 2: {reason}" in page
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Trois", "Un"]
    assert all(a.extraction_token for a in Article.objects.all())  # each saved article had its extraction queued


def test_a_bulk_upload_with_only_bad_records_saves_nothing_and_answers_400(client, editor_user):
    client.force_login(editor_user)
    response = _upload(client, "lot.jsonl", _jsonl({"body": ""}, "{oops"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 1: The article is empty." in page and "Line 2: not valid JSON" in page
    assert not Article.objects.exists()


def test_a_bulk_upload_saves_in_one_transaction_so_a_failure_while_saving_leaves_nothing_half_written(
    client, editor_user, monkeypatch, django_capture_on_commit_callbacks
):
    from claims.services import ingestion

    queued = []

    def queue_then_fail_on_the_second(*, article):
        queued.append(article.title)
        if len(queued) == 2:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(ingestion, "article_extraction_queue", queue_then_fail_on_the_second)
    client.force_login(editor_user)
    client.raise_request_exception = False
    data = _jsonl({"title": "Un", "body": "Le chômage a baissé."}, {"title": "Deux", "body": "La dette a augmenté."})
    with django_capture_on_commit_callbacks() as sent:
        response = _upload(client, "lot.jsonl", data)
    assert response.status_code == 500 and queued == ["Un", "Deux"]
    assert not Article.objects.exists() and sent == []


def test_a_csv_row_longer_than_the_csv_modules_default_field_limit_is_an_article_like_any_other(client, editor_user):
    long_body = "Le chômage a baissé de 2 %. " * 5_000  # 140,000 characters; the csv module stops at 131,072
    rows = f"title,body\nUn,Le déficit a atteint 5 %.\nDeux,{long_body}\n"
    client.force_login(editor_user)
    response = _upload(client, "lot.csv", rows.encode())
    assert response.status_code == 302
    bodies = dict(Article.objects.values_list("title", "body"))
    assert bodies == {"Un": "Le déficit a atteint 5 %.", "Deux": long_body.strip()}


def test_a_publication_date_with_trailing_words_is_refused_naming_the_field_and_the_formats(client, editor_user):
    client.force_login(editor_user)
    data = _jsonl(
        {"title": "Un", "body": "Le chômage a baissé.", "published": "2023-01-15 this is not a date"},
        {"title": "Deux", "body": "La dette a augmenté.", "published": "2023-01"},
    )
    page = _upload(client, "lot.jsonl", data).content.decode()
    assert (
        "Line 1: The publication date “2023-01-15 this is not a date” is not a date. "
        "Use YYYY-MM-DD, YYYY-MM or YYYY, for example 2023-01-15." in page
    )
    assert list(Article.objects.values_list("title", "published_on")) == [("Deux", dt.date(2023, 1, 1))]
    response = client.post(
        reverse("claims:article-create"),
        {"body": "Le ministre a parlé.", "published": "2023-01-15 this is not a date"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "is not a date. Use YYYY-MM-DD" in " ".join(response.context["form"].errors["published"])
    assert Article.objects.count() == 1


def test_json_lines_are_split_on_newlines_only_so_a_line_separator_inside_a_string_is_text(client, editor_user):
    body = "Le chômage a baissé.\u2028Selon l'INSEE, de 2 %."
    data = _jsonl(
        {"title": "Un", "body": body}, "{oops", {"title": "Trois", "body": "La dette a augmenté."}, ensure_ascii=False
    )
    assert "\u2028".encode() in data  # unescaped, as JSON allows
    client.force_login(editor_user)
    page = _upload(client, "lot.jsonl", data.replace(b"\n", b"\r\n")).content.decode()
    assert "Line 2: not valid JSON" in page and "Line 3" not in page and "Line 4" not in page
    assert dict(Article.objects.values_list("title", "body")) == {"Un": body, "Trois": "La dette a augmenté."}


def test_an_html_page_with_an_overlong_canonical_url_is_saved_without_it(client, editor_user):
    canonical = "https://www.lemonde.fr/" + "a" * 1200
    html = (
        f'<html><head><link rel="canonical" href="{canonical}"><title>Le budget</title></head><body><article>'
        + "<p>Le gouvernement a annoncé 3 milliards d'euros pour les hôpitaux, selon le ministre.</p>" * 3
        + "</article></body></html>"
    )
    client.force_login(editor_user)
    response = _upload(client, "page.html", html.encode())
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == article.get_absolute_url()
    assert (article.title, article.url) == ("Le budget", "")


def test_the_article_list_filters_by_the_words_around_a_nul_character(client, checker_user):
    ArticleFactory(title="Emploi", body="Le chômage a baissé.")
    ArticleFactory(title="Dette", body="La dette a augmenté.", outlet="Le Monde")
    client.force_login(checker_user)
    response = client.get(reverse("claims:article-list"), {"q": "Emploi\x00", "outlet": ""})
    assert response.status_code == 200
    assert [a.title for a in response.context["page"]] == ["Emploi"]


def test_a_bulk_line_nested_too_deep_is_refused_by_line_and_the_others_are_saved(client, editor_user):
    data = _jsonl(
        {"title": "Un", "body": "Le chômage a baissé."},
        "[" * 100_000 + "]" * 100_000,
        '{"title": "Trois", "body": "La dette a augmenté.", "author": ' + "[" * 70 + "]" * 70 + "}",
        {"title": "Quatre", "body": "Les prix ont doublé."},
    )
    client.force_login(editor_user)
    page = _upload(client, "lot.jsonl", data).content.decode()
    assert "Line 2: The JSON is nested more than 64 levels deep" in page
    assert "Line 3: The JSON is nested more than 64 levels deep" in page
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Quatre", "Un"]


def test_refused_bulk_lines_are_explained_in_french_on_a_french_page(client, editor_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _jsonl({"body": "Le chômage a baissé."}, {"body": "La dette a augmenté.", "url": "javascript:alert(1)"})
    client.force_login(editor_user)
    upload = {"file": SimpleUploadedFile("lot.jsonl", data)}
    page = client.post(reverse("claims:article-create"), upload, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1 ligne refusée, qui n’a pas été enregistrée" in page
    assert "Ligne 2 : Seules les adresses http et https sont acceptées, pas « javascript:alert(1) »." in page
