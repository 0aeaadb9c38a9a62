"""A desk with no article says what to do next, to each role; the first article makes it go."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
PAGES = ("claims:dashboard", "claims:article-list")


def _page(client, user, name: str) -> str:
    client.force_login(user)
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_an_editor_on_an_empty_desk_is_shown_how_to_submit_or_import(client, editor_user, name):
    page = _page(client, editor_user, name)
    assert 'id="empty-desk"' in page and "No articles on the desk yet" in page
    assert f'href="{reverse("claims:article-create")}"' in page
    assert "Import many articles (JSON Lines or CSV)" in page and "manage.py load_sample" in page


@pytest.mark.parametrize("name", PAGES)
def test_a_checker_on_an_empty_desk_is_told_claims_will_be_assigned_to_them(client, checker_user, name):
    page = _page(client, checker_user, name)
    assert "Claims they assign to you will appear in your queue" in page
    assert f'href="{reverse("claims:queue")}"' in page
    assert f'href="{reverse("claims:article-create")}"' not in page  # they cannot submit


@pytest.mark.parametrize("name", PAGES)
def test_the_empty_state_goes_once_there_is_an_article(client, editor_user, name):
    ArticleFactory()
    page = _page(client, editor_user, name)
    assert 'id="empty-desk"' not in page


def test_a_filter_that_matches_nothing_is_not_an_empty_desk(client, editor_user):
    ArticleFactory(title="Emploi")
    client.force_login(editor_user)
    page = client.get(reverse("claims:article-list"), {"q": "introuvable"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="empty-desk"' not in page.content.decode() and "No articles match." in page.content.decode()


def test_the_empty_state_speaks_french(client, checker_user):
    client.force_login(checker_user)
    page = client.get(reverse("claims:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aucun article sur le desk pour l’instant" in page and "votre file" in page
