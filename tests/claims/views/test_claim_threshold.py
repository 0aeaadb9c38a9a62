"""An editor sets an article's own claim threshold and extracts it again, from the page, the API or
the admin: the same rule (workflow.can_reextract) and the same service, which keeps the desk's work."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import IntegrityError, transaction
from django.urls import reverse

from claims.models import Article, ClaimStatus
from claims.nlp import scorer
from claims.services.extraction import article_extract
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

# One sourced figure and two lines of thanks: the scorer's line keeps the first only.
CHATTY = "Le chômage a baissé de 2 % en 2023, selon l'INSEE.\n\nMerci à tous d'être venus ce soir.\n\nBonne soirée."


@pytest.fixture
def extracted():
    article = ArticleFactory(body=CHATTY, language="fr", extraction_status="queued", extraction_token="t1")
    article_extract(article_id=article.pk, token="t1")
    article.refresh_from_db()
    return article


def _url(article) -> str:
    return reverse("claims:article-reextract", args=[article.pk])


def test_an_extraction_records_the_line_it_applied_and_the_page_says_it(client, checker_user, extracted):
    line = scorer.for_language("fr").threshold
    assert extracted.extraction_threshold == pytest.approx(line)
    client.force_login(checker_user)
    page = client.get(extracted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    shown = f"{line:.2f}".replace(".", ",")
    assert f"Les affirmations sont les phrases dont le score atteint {shown}, le seuil propre au modèle." in page
    assert 'id="claim-threshold"' not in page  # a checker sees the line, not the form


def test_an_editor_lowers_the_threshold_and_sees_more_sentences_while_worked_claims_stay(
    client, editor_user, extracted, django_capture_on_commit_callbacks
):
    kept = extracted.claims.get()
    kept.status = ClaimStatus.TO_CHECK
    kept.wording = "Le chômage a baissé de 2 % en 2023."
    kept.save()
    client.force_login(editor_user)
    page = client.get(extracted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="claim-threshold"' in page and _url(extracted) in page

    with django_capture_on_commit_callbacks(execute=True):  # the extraction runs in-process in tests
        response = client.post(_url(extracted), {"threshold": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.url == extracted.get_absolute_url()
    extracted.refresh_from_db()
    assert (extracted.claim_threshold, extracted.extraction_threshold) == (0.0, 0.0)
    assert extracted.extraction_status == "extracted"
    claims = list(extracted.claims.order_by("start"))
    assert len(claims) == 3 and all(c.score is not None for c in claims)
    assert claims[0].pk == kept.pk and claims[0].wording == kept.wording  # the desk's work is the same row
    page = client.get(extracted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The claims are being extracted again: every sentence scoring at least 0.00." in page
    assert "Claims are the sentences scoring at least 0.00, this article's own line." in page


def test_an_empty_threshold_goes_back_to_the_scorer_s_line(client, editor_user, extracted):
    Article.objects.filter(pk=extracted.pk).update(claim_threshold=0.2)
    client.force_login(editor_user)
    response = client.post(_url(extracted), {"threshold": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The claims are being extracted again at the scorer&#x27;s own line." in response.content.decode()
    extracted.refresh_from_db()
    assert extracted.claim_threshold is None and extracted.extraction_status == "queued"


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "inf", "1e309", "0,5x", "un demi", "0.5" * 5000])
def test_a_threshold_that_is_not_a_score_is_refused_on_the_page_and_changes_nothing(
    client, editor_user, extracted, value
):
    before = Article.objects.values().get(pk=extracted.pk)
    claims = list(extracted.claims.values_list("pk", flat=True))
    client.force_login(editor_user)
    response = client.post(_url(extracted), {"threshold": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="claim-threshold" open' in page and 'class="errorlist" role="alert"' in page
    assert Article.objects.values().get(pk=extracted.pk) == before
    assert list(extracted.claims.values_list("pk", flat=True)) == claims


@pytest.mark.parametrize("who", ["checker_user", "outsider"])
def test_only_editors_extract_again(client, request, extracted, who):
    before = Article.objects.values().get(pk=extracted.pk)
    client.force_login(request.getfixturevalue(who))
    assert client.post(_url(extracted), {"threshold": "0"}).status_code == 403
    assert client.post(reverse("api-article-reextract", args=[extracted.pk]), {"threshold": 0}).status_code == 403
    assert Article.objects.values().get(pk=extracted.pk) == before


def test_a_get_does_not_extract_again(client, editor_user, extracted):
    client.force_login(editor_user)
    assert client.get(_url(extracted)).status_code == 405
    assert Article.objects.get(pk=extracted.pk).extraction_status == "extracted"


def test_the_api_sets_the_threshold_and_refuses_what_is_not_a_score(client, editor_user, extracted):
    client.force_login(editor_user)
    url = reverse("api-article-reextract", args=[extracted.pk])
    response = client.post(url, {"threshold": 0.3}, content_type="application/json")
    assert response.status_code == 202
    assert response.json()["claim_threshold"] == 0.3 and response.json()["extraction_status"] == "queued"
    for bad in (1.5, -1, "abc", [0.2]):
        assert client.post(url, {"threshold": bad}, content_type="application/json").status_code == 400
    assert Article.objects.get(pk=extracted.pk).claim_threshold == 0.3
    assert client.post(url, {"threshold": None}, content_type="application/json").status_code == 202
    assert Article.objects.get(pk=extracted.pk).claim_threshold is None
    detail = client.get(reverse("api-article-detail", args=[extracted.pk])).json()
    assert "claim_threshold" in detail and "extraction_threshold" in detail


def test_the_admin_extracts_again_through_the_same_rule(client, superuser, extracted):
    Article.objects.filter(pk=extracted.pk).update(claim_threshold=0.1)
    changelist = reverse("admin:claims_article_changelist")
    staff = UserFactory(username="staff-no-role", is_staff=True)
    staff.user_permissions.add(*_article_admin_permissions())
    client.force_login(staff)
    response = client.post(changelist, {"action": "reextract", ACTION_CHECKBOX_NAME: [extracted.pk]}, follow=True)
    assert "Only the desk" in response.content.decode() or "Seuls les éditeurs" in response.content.decode()
    assert Article.objects.get(pk=extracted.pk).extraction_status == "extracted"

    client.force_login(superuser)
    client.post(changelist, {"action": "reextract", ACTION_CHECKBOX_NAME: [extracted.pk]})
    article = Article.objects.get(pk=extracted.pk)
    assert article.extraction_status == "queued" and article.claim_threshold == 0.1  # the article keeps its own
    form = client.get(reverse("admin:claims_article_change", args=[extracted.pk])).content.decode()
    assert 'name="claim_threshold"' not in form  # changed only by extracting again


def _article_admin_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="claims", codename__in=["view_article", "change_article"])


def test_the_database_refuses_a_threshold_that_is_not_a_score(extracted):
    for field in ("claim_threshold", "extraction_threshold"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=extracted.pk).update(**{field: 1.5})


def test_the_line_is_said_only_for_the_extraction_it_belongs_to(client, editor_user, extracted):
    client.force_login(editor_user)
    client.post(_url(extracted), {"threshold": "0.1"})  # queued, not run: the page must not claim 0.1 applies
    page = client.get(extracted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="claim-line"' not in page
    Article.objects.filter(pk=extracted.pk).update(extraction_status="extracted")  # the scorer's run still shown
    page = client.get(extracted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    line = f"{extracted.extraction_threshold:.2f}"
    assert f"Claims are the sentences scoring at least {line}, the scorer's own line." in page


def test_the_api_refuses_a_boolean_and_answers_anonymous_401_and_a_superuser_202(
    client, superuser, editor_user, extracted
):
    url = reverse("api-article-reextract", args=[extracted.pk])
    assert client.post(url, {"threshold": 0.3}, content_type="application/json").status_code == 401
    client.force_login(editor_user)
    for boolean in (True, False):
        assert client.post(url, {"threshold": boolean}, content_type="application/json").status_code == 400
    assert Article.objects.get(pk=extracted.pk).extraction_status == "extracted"
    client.force_login(superuser)
    assert client.post(url, {"threshold": 0.3}, content_type="application/json").status_code == 202


def test_a_forged_form_without_its_csrf_token_is_refused(editor_user, extracted):
    from django.test import Client

    forged = Client(enforce_csrf_checks=True)
    forged.force_login(editor_user)
    assert forged.post(_url(extracted), {"threshold": "0"}).status_code == 403
    assert Article.objects.get(pk=extracted.pk).claim_threshold is None


def test_the_admin_action_speaks_the_reader_s_language(client, superuser, extracted):
    client.force_login(superuser)
    changelist = reverse("admin:claims_article_changelist")
    page = client.get(changelist, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Extract the claims again, keeping the desk" in page
    page = client.get(changelist, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Extraire de nouveau les affirmations, en gardant le travail de la rédaction" in page
