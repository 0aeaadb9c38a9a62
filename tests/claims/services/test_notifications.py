"""Who is told what: in the app always, by email from the worker, in the recipient's language, never twice."""

import datetime as dt
import smtplib

import pytest
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from claims.models import ClaimStatus, EmailStatus, Notification, NotificationKind
from claims.services import matching, notifications
from claims.services.assignment import claim_assign
from claims.services.verification import blind_rating_record, comment_add, review_submit, verdict_submit
from claims.tasks import send_due_digest, send_notification_emails
from claims.workflow import CHECKER_GROUP
from factcheck.celery import app as celery_app
from tests.claims.services.test_matching import EARLIER, REPEAT, approved, claim_with
from tests.factories import ClaimFactory, UserFactory, checker

pytestmark = pytest.mark.django_db
BASE = "https://desk.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.FACTCHECK_BASE_URL = BASE
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks queued on commit (the email task among them), as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def _link(claim) -> str:
    return f"{BASE}/claims/{claim.pk}/"


def _named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def _in_review(checker_user, run_on_commit, mailoutbox):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    run_on_commit(verdict_submit, claim=claim, actor=checker_user, rating="false", summary="Chiffre inventé.")
    Notification.objects.all().delete()
    mailoutbox.clear()
    return claim


def _recipients(kind) -> set[str]:
    return {n.recipient.username for n in Notification.objects.filter(kind=kind)}


# --- each event, the right people -------------------------------------------------------


def test_an_assignment_tells_the_checker_by_email_from_the_worker_once_committed(
    editor_user, checker_user, mailoutbox, django_capture_on_commit_callbacks
):
    _named(editor_user, "Éva", "Durand")
    claim = ClaimFactory(status=ClaimStatus.TO_CHECK)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claim_assign(claim=claim, actor=editor_user, assignee=checker_user, note="Avant midi")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (
        checker_user,
        editor_user,
        NotificationKind.ASSIGNED,
    )
    assert (notification.message, notification.email_status, notification.is_unread) == (
        "Avant midi",
        EmailStatus.PENDING,
        True,
    )
    assert mailoutbox == []  # nothing is sent in the request
    assert len(callbacks) == 1  # one task, queued on commit
    callbacks[0]()
    [email] = mailoutbox
    assert email.to == [checker_user.email]
    assert email.subject == "[Factcheck] Éva Durand vous a assigné une affirmation"
    assert _link(claim) in email.body and "Avant midi" in email.body
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT and notification.emailed_at is not None


def test_nobody_is_told_of_what_they_did_themselves(editor_user, run_on_commit, mailoutbox):
    editor_user.groups.add(Group.objects.get(name=CHECKER_GROUP))
    claim = ClaimFactory(status=ClaimStatus.TO_CHECK)
    run_on_commit(claim_assign, claim=claim, actor=editor_user, assignee=editor_user)
    assert not Notification.objects.exists() and mailoutbox == []


def test_a_rolled_back_event_leaves_no_notification_and_sends_nothing(
    editor_user, checker_user, mailoutbox, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(status=ClaimStatus.TO_CHECK)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):  # noqa: SIM117
        with transaction.atomic():
            claim_assign(claim=claim, actor=editor_user, assignee=checker_user)
            raise RuntimeError("the request failed after the assignment")
    assert (Notification.objects.count(), callbacks, mailoutbox) == (0, [], [])


def test_a_submitted_verdict_tells_every_reviewer_but_its_author_and_nothing_of_it(
    checker_user, other_checker, editor_user, second_editor, superuser, outsider, run_on_commit, mailoutbox
):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    UserFactory(username="retired", role="Editor", is_active=False)
    run_on_commit(verdict_submit, claim=claim, actor=checker_user, rating="false", summary="Chiffre inventé.")
    assert _recipients(NotificationKind.REVIEW_REQUESTED) == {"editor", "editor2", "root"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in (editor_user, second_editor, superuser))
    for email in mailoutbox:  # reviewers rate blind: the email says nothing of the proposed verdict
        assert "inventé" not in email.body and "Faux" not in email.body and "False" not in email.body
        assert _link(claim) in email.body


def test_an_editor_who_wrote_the_verdict_is_not_asked_to_review_it(editor_user, second_editor, run_on_commit):
    editor_user.groups.add(Group.objects.get(name=CHECKER_GROUP))
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=editor_user)
    run_on_commit(verdict_submit, claim=claim, actor=editor_user, rating="true", summary="Exact.")
    assert _recipients(NotificationKind.REVIEW_REQUESTED) == {"editor2"}


def test_a_reused_verdict_asks_the_other_editors_for_review(editor_user, second_editor, checker_user, run_on_commit):
    earlier, repeat = approved(EARLIER, checker_user, second_editor), claim_with(REPEAT)
    match = matching.claim_link(claim=repeat, actor=editor_user, earlier_claim=earlier)
    run_on_commit(matching.verdict_reuse, match=match, actor=editor_user)
    # Every editor but the one who applied it (the factory's editor approved the earlier verdict).
    assert _recipients(NotificationKind.REVIEW_REQUESTED) == {"editor2", "factory_editor"}


def test_a_verdict_sent_back_tells_its_author_with_the_reviewers_comment(
    checker_user, editor_user, run_on_commit, mailoutbox
):
    claim = _in_review(checker_user, run_on_commit, mailoutbox)
    blind_rating_record(claim=claim, actor=editor_user, rating="false")
    run_on_commit(review_submit, claim=claim, actor=editor_user, decision="send_back", comment="Source INSEE ?")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.message) == (
        checker_user,
        NotificationKind.SENT_BACK,
        "Source INSEE ?",
    )
    [email] = mailoutbox
    assert "Source INSEE ?" in email.body and "Le commentaire du relecteur" in email.body


def test_an_approved_verdict_tells_its_author(checker_user, editor_user, run_on_commit, mailoutbox):
    claim = _in_review(checker_user, run_on_commit, mailoutbox)
    blind_rating_record(claim=claim, actor=editor_user, rating="")
    run_on_commit(review_submit, claim=claim, actor=editor_user, decision="approve")
    assert _recipients(NotificationKind.APPROVED) == {"checker"}
    assert [m.to for m in mailoutbox] == [[checker_user.email]]


def test_a_comment_tells_the_desk_members_it_mentions_by_username(
    checker_user, editor_user, second_editor, outsider, run_on_commit, mailoutbox
):
    _named(checker_user, "Jules", "Martin")
    checker("example.org")  # a username that an email address would contain
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    body = "@EDITOR2, tu peux voir ? Merci @editor. Pas @outsider, ni @personne, ni moi @checker : alice@example.org"
    run_on_commit(comment_add, claim=claim, actor=checker_user, body=body)
    assert _recipients(NotificationKind.MENTIONED) == {"editor", "editor2"}
    notification = Notification.objects.get(recipient=second_editor)
    assert notification.message == body
    assert {m.subject for m in mailoutbox} == {"[Factcheck] Jules Martin vous a mentionné dans un commentaire"}


def test_a_comment_without_a_mention_tells_nobody(checker_user, editor_user, run_on_commit):
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    run_on_commit(comment_add, claim=claim, actor=checker_user, body="Écrire à contact@editor.fr")
    assert not Notification.objects.exists()


# --- email: language, preferences, once -----------------------------------------------


def test_each_email_speaks_its_recipients_language(editor_user, second_editor, checker_user, run_on_commit, mailoutbox):
    notifications.preferences_set_language(user=second_editor, language="en")
    claim = ClaimFactory(status=ClaimStatus.IN_PROGRESS, assignee=checker_user)
    run_on_commit(comment_add, claim=claim, actor=checker_user, body="@editor @editor2")
    by_person = {m.to[0]: m for m in mailoutbox}
    french, english = by_person[editor_user.email], by_person[second_editor.email]  # default: the desk's language
    assert "vous a mentionné" in french.subject and "Ouvrir l’affirmation" in french.body
    assert english.subject == "[Factcheck] checker mentioned you in a comment"
    assert "Open the claim:" in english.body and _link(claim) in english.body


def test_an_email_turned_off_keeps_the_notification_in_the_app(editor_user, checker_user, run_on_commit, mailoutbox):
    notifications.preferences_save(user=checker_user, email_assigned=False)
    claim = ClaimFactory(status=ClaimStatus.TO_CHECK)
    run_on_commit(claim_assign, claim=claim, actor=editor_user, assignee=checker_user)
    notification = Notification.objects.get(recipient=checker_user)
    assert (notification.kind, notification.email_status) == (NotificationKind.ASSIGNED, EmailStatus.OFF)
    assert mailoutbox == []


def test_a_person_without_an_email_address_is_told_in_the_app_only(editor_user, run_on_commit, mailoutbox):
    quiet = UserFactory(username="quiet", email="", role=CHECKER_GROUP)
    run_on_commit(claim_assign, claim=ClaimFactory(status=ClaimStatus.TO_CHECK), actor=editor_user, assignee=quiet)
    assert Notification.objects.get(recipient=quiet).email_status == EmailStatus.OFF
    assert mailoutbox == []


def _pending_assignment(editor_user, checker_user, django_capture_on_commit_callbacks) -> Notification:
    with django_capture_on_commit_callbacks(execute=False):
        claim_assign(claim=ClaimFactory(status=ClaimStatus.TO_CHECK), actor=editor_user, assignee=checker_user)
    return Notification.objects.get()


def test_a_redelivered_task_never_sends_an_email_twice(
    editor_user, checker_user, mailoutbox, django_capture_on_commit_callbacks
):
    notification = _pending_assignment(editor_user, checker_user, django_capture_on_commit_callbacks)
    send_notification_emails.apply(args=[[notification.pk]])
    send_notification_emails.apply(args=[[notification.pk]])
    assert len(mailoutbox) == 1


def test_a_row_another_worker_is_sending_is_left_to_it(
    editor_user, checker_user, mailoutbox, django_capture_on_commit_callbacks
):
    notification = _pending_assignment(editor_user, checker_user, django_capture_on_commit_callbacks)
    Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.SENDING, email_token="other")
    assert notifications.notification_emails_send(ids=[notification.pk]) == 0
    assert mailoutbox == []


@pytest.fixture
def flaky_smtp(monkeypatch):
    """EmailMessage.send raising the given errors in turn, then sending."""
    real_send = EmailMessage.send
    calls = []

    def install(*errors):
        def send(message, *args, **kwargs):
            calls.append(message)
            if len(calls) <= len(errors):
                raise errors[len(calls) - 1]
            return real_send(message, *args, **kwargs)

        monkeypatch.setattr(EmailMessage, "send", send)
        return calls

    return install


def test_an_smtp_error_is_retried_and_the_email_goes_out_once(
    editor_user, checker_user, mailoutbox, flaky_smtp, django_capture_on_commit_callbacks, monkeypatch
):
    notification = _pending_assignment(editor_user, checker_user, django_capture_on_commit_callbacks)
    calls = flaky_smtp(smtplib.SMTPServerDisconnected("gone"), ConnectionRefusedError("refused"))
    # Eagerly, each retry runs inside the apply() before it; each then reports its Retry as a worker would.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    send_notification_emails.apply(args=[[notification.pk]])
    notification.refresh_from_db()
    assert (len(calls), len(mailoutbox), notification.email_status) == (3, 1, EmailStatus.SENT)


def test_a_transient_error_releases_the_row_for_the_retry(
    editor_user, checker_user, flaky_smtp, django_capture_on_commit_callbacks
):
    notification = _pending_assignment(editor_user, checker_user, django_capture_on_commit_callbacks)
    flaky_smtp(smtplib.SMTPServerDisconnected("gone"))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.notification_emails_send(ids=[notification.pk])
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_token) == (EmailStatus.PENDING, "")


@pytest.mark.parametrize(
    ("error", "last_try"),
    [
        (ValueError("bad header"), False),
        (smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")}), False),
        (TimeoutError("timed out"), True),
    ],
    ids=["not smtp", "address refused", "last try"],
)
def test_an_error_that_a_retry_cannot_mend_fails_the_row_at_once(
    editor_user, checker_user, mailoutbox, flaky_smtp, django_capture_on_commit_callbacks, error, last_try
):
    notification = _pending_assignment(editor_user, checker_user, django_capture_on_commit_callbacks)
    calls = flaky_smtp(error)
    assert notifications.notification_emails_send(ids=[notification.pk], last_try=last_try) == 0
    notification.refresh_from_db()
    assert (len(calls), notification.email_status) == (1, EmailStatus.FAILED)
    assert type(error).__name__ in notification.email_error


def test_the_sweeper_requeues_lost_emails_and_fails_those_a_dead_worker_was_sending(
    editor_user, checker_user, other_checker, mailoutbox, django_capture_on_commit_callbacks
):
    lost = _pending_assignment(editor_user, checker_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        claim_assign(claim=ClaimFactory(status=ClaimStatus.TO_CHECK), actor=editor_user, assignee=other_checker)
    dead = Notification.objects.get(recipient=other_checker)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Notification.objects.filter(pk=lost.pk).update(updated_at=long_ago)
    Notification.objects.filter(pk=dead.pk).update(email_status=EmailStatus.SENDING, updated_at=long_ago)
    assert notifications.notification_emails_sweep(queued_for=600, sending_for=600) == ([lost.pk], 1)
    assert [m.to for m in mailoutbox] == [[checker_user.email]]
    dead.refresh_from_db()
    assert dead.email_status == EmailStatus.FAILED


# --- the daily digest ------------------------------------------------------------------


@pytest.fixture
def due_claims(checker_user, other_checker):
    today = timezone.localdate()

    def due(status, days, assignee=checker_user):
        return ClaimFactory(status=status, assignee=assignee, due_date=today + dt.timedelta(days=days))

    return {
        "tomorrow": due(ClaimStatus.ASSIGNED, 1),
        "overdue": due(ClaimStatus.IN_PROGRESS, -3),
        "today": due(ClaimStatus.IN_PROGRESS, 0),
        "later": due(ClaimStatus.ASSIGNED, 2),
        "in_review": due(ClaimStatus.IN_REVIEW, -1),
        "approved": due(ClaimStatus.APPROVED, -1),
        "other": due(ClaimStatus.ASSIGNED, -1, assignee=other_checker),
    }


def test_the_digest_lists_each_checkers_claims_due_tomorrow_and_overdue_in_one_email(
    due_claims, checker_user, other_checker, run_on_commit, mailoutbox
):
    run_on_commit(send_due_digest.apply)
    mine = Notification.objects.filter(recipient=checker_user)
    assert {(n.claim, n.kind) for n in mine} == {
        (due_claims["tomorrow"], NotificationKind.DUE_TOMORROW),
        (due_claims["overdue"], NotificationKind.OVERDUE),
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted([checker_user.email, other_checker.email])
    email = next(m for m in mailoutbox if m.to == [checker_user.email])
    assert email.subject == "[Factcheck] Vos affirmations à rendre demain et en retard"
    tomorrow_at, overdue_at = email.body.index("À rendre demain :"), email.body.index("En retard :")
    assert tomorrow_at < email.body.index(_link(due_claims["tomorrow"])) < overdue_at
    assert overdue_at < email.body.index(_link(due_claims["overdue"]))
    for name in ("today", "later", "in_review", "approved"):
        assert _link(due_claims[name]) not in email.body


def test_the_digest_goes_out_once_a_day_however_often_it_runs(due_claims, run_on_commit, mailoutbox):
    today = timezone.localdate()
    run_on_commit(notifications.notifications_digest, today=today)
    run_on_commit(notifications.notifications_digest, today=today)
    assert (Notification.objects.count(), len(mailoutbox)) == (3, 2)
    run_on_commit(notifications.notifications_digest, today=today + dt.timedelta(days=1))
    assert len(mailoutbox) == 4  # the next day, the same people again: still overdue


def test_the_digest_turned_off_still_lists_the_claims_in_the_app(due_claims, checker_user, run_on_commit, mailoutbox):
    notifications.preferences_save(user=checker_user, email_digest=False)
    run_on_commit(notifications.notifications_digest)
    assert Notification.objects.filter(recipient=checker_user, email_status=EmailStatus.OFF).count() == 2
    assert checker_user.email not in [m.to[0] for m in mailoutbox]


def test_beat_sends_the_digest_daily_at_the_configured_hour(settings):
    from factcheck.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["due-digest"]
    assert entry["task"] in app.tasks and entry["task"] == send_due_digest.name
    assert entry["schedule"].hour == {settings.FACTCHECK_DIGEST_HOUR}
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE


def test_the_language_switch_is_remembered_only_for_the_languages_of_the_desk(checker_user):
    notifications.preferences_set_language(user=checker_user, language="de")
    assert notifications.preferences_for(checker_user).email_language == "fr"
    notifications.preferences_set_language(user=checker_user, language="en")
    assert notifications.preferences_for(checker_user).email_language == "en"
