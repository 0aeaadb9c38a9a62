"""The desk's authentication backend grants exactly what Django's ModelBackend grants, in fewer queries."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from claims.backends import DeskBackend
from claims.services import accounts

pytestmark = pytest.mark.django_db

User = get_user_model()


def _permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="claims", codename=codename)


def _fresh(user):
    """The user as a request loads it: no permissions cached on the object."""
    return DeskBackend().get_user(user.pk) or User.objects.get(pk=user.pk)


@pytest.fixture
def mixed_user(db):
    """Permissions of their own, from two groups, and one both ways."""
    user = User.objects.create_user("mixed", password="x")
    user.user_permissions.add(_permission("view_claim"), _permission("export_reports"))
    first, second = Group.objects.create(name="First"), Group.objects.create(name="Second")
    first.permissions.add(_permission("triage_claim"), _permission("export_reports"))
    second.permissions.add(_permission("review_verdict"))
    user.groups.add(first, second)
    return user


@pytest.mark.parametrize("who", ["mixed_user", "editor_user", "checker_user", "outsider", "superuser"])
def test_every_permission_is_the_one_model_backend_grants(request, who):
    user = request.getfixturevalue(who)
    expected = ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert DeskBackend().get_all_permissions(_fresh(user)) == expected
    if who == "mixed_user":
        granted = {"view_claim", "export_reports", "triage_claim", "review_verdict"}
        assert expected == {f"claims.{codename}" for codename in granted}


def test_an_inactive_user_and_an_object_get_no_permission(mixed_user):
    assert DeskBackend().get_all_permissions(_fresh(mixed_user), obj=object()) == set()
    mixed_user.is_active = False
    mixed_user.save()
    assert DeskBackend().get_all_permissions(User.objects.get(pk=mixed_user.pk)) == set()
    assert DeskBackend().get_user(mixed_user.pk) is None
    assert DeskBackend().get_user(10**9) is None


def test_permissions_cost_one_query_then_none(mixed_user, django_assert_num_queries):
    user = User.objects.get(pk=mixed_user.pk)
    with django_assert_num_queries(1):
        assert user.has_perm("claims.review_verdict")
        assert not user.has_perm("claims.manage_articles")
    with django_assert_num_queries(0):
        assert user.has_perm("claims.triage_claim")


def test_the_user_comes_with_their_sign_out_count(editor_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert accounts.session_epoch(DeskBackend().get_user(editor_user.pk)) == 0
    accounts.user_sign_out_everywhere(user=editor_user)
    accounts.user_sign_out_everywhere(user=editor_user)
    with django_assert_num_queries(1):
        assert accounts.session_epoch(DeskBackend().get_user(editor_user.pk)) == 2
    # Any other user object is asked.
    assert accounts.session_epoch(User.objects.get(pk=editor_user.pk)) == 2


def test_signing_out_everywhere_still_ends_the_other_sessions(client, editor_user):
    from django.test import Client

    other = Client()
    client.force_login(editor_user)
    other.force_login(editor_user)
    assert other.get(reverse("claims:dashboard")).status_code == 200
    accounts.user_sign_out_everywhere(user=editor_user)
    response = other.get(reverse("claims:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
