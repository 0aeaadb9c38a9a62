"""The notifications page, the count in the navigation, mark read, email preferences, and My queue's reviews."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimStatus, EmailStatus, Notification, NotificationKind, UserPreferences, Verdict
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def _notify(recipient, actor=None, kind=NotificationKind.ASSIGNED, read=False, **kwargs) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        actor=actor,
        claim=kwargs.pop("claim", None) or ClaimFactory(),
        kind=kind,
        read_at=timezone.now() if read else None,
        email_status=EmailStatus.OFF,
        **kwargs,
    )


def _nav_count(page: str) -> str | None:
    marker = 'class="badge count"'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_the_navigation_counts_my_unread_notifications_only(client, checker_user, other_checker):
    _notify(checker_user)
    _notify(checker_user)
    _notify(checker_user, read=True)
    _notify(other_checker)
    client.force_login(checker_user)
    assert _nav_count(client.get(reverse("claims:dashboard")).content.decode()) == "2"
    client.post(reverse("claims:notifications-read"))
    page = client.get(reverse("claims:dashboard")).content.decode()
    assert _nav_count(page) is None and reverse("claims:notification-list") in page


def test_the_page_lists_my_notifications_newest_first_unread_marked_each_linking_to_its_claim(
    client, checker_user, other_checker, editor_user
):
    editor_user.first_name, editor_user.last_name = "Éva", "Durand"
    editor_user.save()
    older = _notify(checker_user, editor_user, read=True)
    newer = _notify(checker_user, editor_user, NotificationKind.SENT_BACK, message="Source ?")
    theirs = _notify(other_checker, editor_user)
    client.force_login(checker_user)
    page = client.get(reverse("claims:notification-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index(f'href="/claims/{newer.claim_id}/"') < page.index(f'href="/claims/{older.claim_id}/"')
    assert f'href="/claims/{theirs.claim_id}/"' not in page
    assert page.count('class="unread"') == 1 and page.count("badge new") == 1
    assert "Éva Durand sent your verdict back" in page and "Source ?" in page
    assert "editor assigned" not in page  # people are named by their name, not their username


def test_mark_all_read_marks_only_mine(client, checker_user, other_checker):
    mine, theirs = _notify(checker_user), _notify(other_checker)
    client.force_login(checker_user)
    response = client.post(reverse("claims:notifications-read"))
    assert response.status_code == 302 and response.url == reverse("claims:notification-list")
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.is_unread, theirs.is_unread) == (False, True)


def test_mark_one_read(client, checker_user):
    first, second = _notify(checker_user), _notify(checker_user)
    client.force_login(checker_user)
    client.post(reverse("claims:notification-read", args=[first.pk]))
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.is_unread, second.is_unread) == (False, True)


def test_nobody_marks_another_persons_notification(client, checker_user, other_checker):
    theirs = _notify(other_checker)
    client.force_login(checker_user)
    assert client.post(reverse("claims:notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_unread is True


@pytest.mark.parametrize("url_name", ["claims:notifications-read", "claims:notification-read"])
def test_marking_read_is_a_post_only(client, checker_user, url_name):
    notification = _notify(checker_user)
    client.force_login(checker_user)
    args = [notification.pk] if url_name == "claims:notification-read" else []
    assert client.get(reverse(url_name, args=args)).status_code == 405
    notification.refresh_from_db()
    assert notification.is_unread is True


def test_the_notifications_page_uses_a_constant_number_of_queries(
    client, checker_user, editor_user, django_assert_max_num_queries
):
    client.force_login(checker_user)

    def count(n):
        for _ in range(n):
            _notify(checker_user, editor_user, NotificationKind.MENTIONED, message="@checker ?")
        with django_assert_max_num_queries(12) as captured:
            assert client.get(reverse("claims:notification-list")).status_code == 200
        return len(captured.captured_queries)

    assert count(2) == count(20)


def test_email_preferences_turn_emails_off_one_kind_at_a_time(client, checker_user):
    client.force_login(checker_user)
    page = client.get(reverse("claims:notification-preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('type="checkbox"') == 6 and page.count("checked") == 6
    chosen = {"email_review": "on", "email_sent_back": "on", "email_approved": "on", "email_digest": "on"}
    response = client.post(reverse("claims:notification-preferences"), chosen)
    assert response.status_code == 302
    preferences = UserPreferences.objects.get(user=checker_user)
    assert (preferences.email_assigned, preferences.email_mentioned, preferences.email_digest) == (False, False, True)
    client.post(reverse("claims:notification-preferences"), {})  # every box unticked
    preferences.refresh_from_db()
    assert not any(getattr(preferences, name) for name in chosen)


def test_the_language_switch_sets_the_language_of_my_emails(client, checker_user):
    client.force_login(checker_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert UserPreferences.objects.get(user=checker_user).language == "en"
    page = client.get(reverse("claims:notification-preferences")).content.decode()
    assert "Language of your emails: English" in page


def test_the_language_switch_still_works_signed_out(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert not UserPreferences.objects.exists()


# --- My queue: the reviews waiting for me ----------------------------------------------


def _in_review(author, n=1):
    claims = ClaimFactory.create_batch(n, status=ClaimStatus.IN_REVIEW, assignee=author, verdict=False)
    for claim in claims:
        Verdict.objects.create(claim=claim, rating="false", summary="x", author=author, submitted_at=timezone.now())
    return claims


def test_my_queue_shows_an_editor_the_verdicts_waiting_for_their_review(client, editor_user, checker_user):
    from django.contrib.auth.models import Group

    [theirs] = _in_review(checker_user)
    editor_user.groups.add(Group.objects.get(name="Checker"))
    [own] = _in_review(editor_user)
    client.force_login(editor_user)
    page = client.get(reverse("claims:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page.split('id="my-reviews"', 1)[1].split("</section>", 1)[0]
    assert "Verdicts waiting for my review" in section
    assert f'href="/claims/{theirs.pk}/"' in section and f'href="/claims/{own.pk}/"' not in section


def test_a_checker_sees_no_review_section_and_an_editor_has_my_queue_in_the_navigation(
    client, editor_user, checker_user
):
    _in_review(checker_user)
    client.force_login(checker_user)
    assert 'id="my-reviews"' not in client.get(reverse("claims:queue")).content.decode()
    client.force_login(editor_user)
    page = client.get(reverse("claims:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{reverse("claims:queue")}">My queue<' in page


def test_an_editors_queue_uses_a_constant_number_of_queries(
    client, editor_user, checker_user, django_assert_max_num_queries
):
    client.force_login(editor_user)

    def count(n):
        _in_review(checker_user, n)
        cache.clear()  # each count starts cold: the tag filter's choices are cached after the first page
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse("claims:queue")).status_code == 200
        return len(captured.captured_queries)

    assert count(2) == count(15)
