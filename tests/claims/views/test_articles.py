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
    # 7 for the page, 3 to renew the session, 1 for its epoch, 1 for the unread notifications in the navigation
    with django_assert_num_queries(12) as few:
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
