"""Notifications: who is told what, in the app and by email.

The services that make an event (assignment, verification) call `notifications_create` inside
their own transaction: the rows exist exactly when the event does. In-app notifications are
always kept; the email of each row is pending when its recipient wants that kind by email and
has an address, and one task is queued once the transaction commits. The worker claims pending
rows with a conditional update under a token before sending (so a redelivered or repeated
message never sends twice) and marks them sent; SMTP and connection errors release the rows and
the task retries, and on its last try, or on any other error, they are marked failed with the
reason. A row whose worker died mid-send stays "sending" until the sweeper marks it failed:
better an email missed, and said so, than sent twice.

Every email is written in its recipient's language (UserPreferences.language, set by the
language switch they use) with an absolute link built on FACTCHECK_BASE_URL.
"""

import datetime as dt
import logging
import re
import smtplib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import Claim, EmailStatus, Notification, NotificationKind, UserPreferences
from claims.tasks import send_notification_emails

logger = logging.getLogger(__name__)

# "@username", a username holding letters, digits and @ . + - _ (Django's rule). The @ must not
# follow a word character: an email address mentions nobody.
_MENTION = re.compile(r"(?<![\w.+-])@([\w.@+-]+)")
MAX_MENTIONS = 20


def notifications_create(
    *, claim: Claim, actor, kind: NotificationKind, recipients: Iterable, message: str = ""
) -> list[Notification]:
    """Tell each recipient but the actor about `kind` on `claim`, in the caller's transaction.

    In the app always; by email when they want it, sent by a worker once the transaction commits.
    """
    actor_id = getattr(actor, "pk", None)
    people = {person.pk: person for person in recipients if person.pk != actor_id and person.is_active}
    if not people:
        return []
    preferences = _preferences(people)
    rows = [
        Notification(
            recipient=person,
            actor=actor,
            claim=claim,
            kind=kind,
            message=message,
            email_status=_email_status(person, preferences[pk], kind),
        )
        for pk, person in people.items()
    ]
    with transaction.atomic():
        rows = Notification.objects.bulk_create(rows)
        _email_after_commit([row.pk for row in rows if row.email_status == EmailStatus.PENDING])
    return rows


def mentioned_people(text: str) -> list:
    """Active desk members mentioned by @username in `text` (case aside; a trailing full stop or comma is not
    part of the name)."""
    names = set()
    for found in _MENTION.findall(text)[:MAX_MENTIONS]:
        names.update({found, found.rstrip(".-+@")})
    names.discard("")
    if not names:
        return []
    matches = Q()
    for name in names:
        matches |= Q(username__iexact=name)
    people = get_user_model().objects.filter(matches, is_active=True)
    return [person for person in people if workflow.is_desk_member(person)]


def notifications_digest(*, today: dt.date | None = None) -> list[int]:
    """The daily digest: each checker's claims due tomorrow and overdue, in the app and in one email a day.

    Idempotent per day: a second run the same day adds no row and sends nothing already sent.
    Returns the ids of the rows whose email is queued.
    """
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    # Claims still with their checker; one in review waits on its reviewers, not on them.
    claims = list(
        Claim.objects.select_related("assignee").filter(
            Q(due_date=tomorrow) | Q(due_date__lt=today),
            status__in=workflow.WORKING_STATUSES,
            assignee__is_active=True,
        )
    )
    preferences = _preferences({claim.assignee_id: claim.assignee for claim in claims})
    rows = []
    for claim in claims:
        kind = NotificationKind.DUE_TOMORROW if claim.due_date == tomorrow else NotificationKind.OVERDUE
        status = _email_status(claim.assignee, preferences[claim.assignee_id], kind)
        rows.append(
            Notification(recipient=claim.assignee, claim=claim, kind=kind, digest_date=today, email_status=status)
        )
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)  # today's rows are made once
        pending = Notification.objects.filter(digest_date=today, email_status=EmailStatus.PENDING)
        ids = list(pending.values_list("pk", flat=True))
        _email_after_commit(ids)
    return ids


def notification_emails_send(*, ids: list[int], last_try: bool = False) -> int:
    """Email the pending notifications among `ids`: one email each, one per person and day for the digest.

    Returns how many emails went out. SMTP and connection errors release the rows and are raised
    (the task retries), unless `last_try`: then, as for any other error, the rows are marked failed.
    """
    sent = 0
    for batch in _batches(ids):
        sent += _send(batch, last_try=last_try)
    return sent


def notification_emails_sweep(*, queued_for: int, sending_for: int) -> tuple[list[int], int]:
    """Queue again the emails still pending after `queued_for` seconds (the broker lost the task); mark
    failed those sending for longer than `sending_for` (their worker died: sent or not, nobody knows)."""
    now = timezone.now()
    pending = Notification.objects.filter(
        email_status=EmailStatus.PENDING, updated_at__lt=now - dt.timedelta(seconds=queued_for)
    )
    ids = list(pending.values_list("pk", flat=True)[:1000])
    if ids:
        send_notification_emails.delay(ids)
    lost = Notification.objects.filter(
        email_status=EmailStatus.SENDING, updated_at__lt=now - dt.timedelta(seconds=sending_for)
    ).update(
        email_status=EmailStatus.FAILED,
        email_error="The worker stopped while sending: the email may not have gone out.",
        updated_at=now,
    )
    if ids or lost:
        logger.warning("Notification emails: %s queued again, %s lost by a dead worker", len(ids), lost)
    return ids, lost


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the person's own unread notifications read (those among `ids`, or all)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    now = timezone.now()
    return unread.update(read_at=now, updated_at=now)


def preferences_for(user) -> UserPreferences:
    """The person's preferences; the defaults (unsaved) when they never changed any."""
    return UserPreferences.objects.filter(user=user).first() or UserPreferences(user=user)


def preferences_save(*, user, **values) -> UserPreferences:
    preferences, _created = UserPreferences.objects.update_or_create(user=user, defaults=values)
    return preferences


def preferences_set_language(*, user, language: str) -> None:
    """The language switch: the desk writes to this person in the language they chose last."""
    if language in dict(settings.LANGUAGES):
        preferences_save(user=user, language=language)


def absolute_url(path: str) -> str:
    return settings.FACTCHECK_BASE_URL.rstrip("/") + path


def _preferences(people: dict) -> dict:
    saved = {p.user_id: p for p in UserPreferences.objects.filter(user_id__in=list(people))}
    return {pk: saved.get(pk) or UserPreferences(user_id=pk) for pk in people}


def _email_status(person, preferences: UserPreferences, kind: str) -> EmailStatus:
    wanted = bool(person.email) and preferences.wants_email(kind)
    return EmailStatus.PENDING if wanted else EmailStatus.OFF


def _email_after_commit(ids: list[int]) -> None:
    if ids:
        send_notification_emails.delay_on_commit(ids)


def _batches(ids: list[int]) -> list[list[int]]:
    """One email per notification, except the digest: one per person and day."""
    pending = Notification.objects.filter(pk__in=ids, email_status=EmailStatus.PENDING).order_by("pk")
    batches: dict[tuple, list[int]] = {}
    for pk, recipient_id, digest_date in pending.values_list("pk", "recipient_id", "digest_date"):
        key = (recipient_id, digest_date) if digest_date else (pk,)
        batches.setdefault(key, []).append(pk)
    return list(batches.values())


def _send(batch: list[int], *, last_try: bool) -> int:
    token = uuid.uuid4().hex
    now = timezone.now()
    # The claim: only one worker moves a row from pending to sending; anyone else finds nothing.
    claimed = Notification.objects.filter(pk__in=batch, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING, email_token=token, updated_at=now
    )
    if not claimed:
        return 0
    mine = Notification.objects.filter(email_token=token, email_status=EmailStatus.SENDING)
    try:
        rows = mine.select_related("recipient", "actor", "claim").order_by("kind", "claim__due_date", "pk")
        _message(list(rows)).send()
    except Exception as error:
        if _transient(error) and not last_try:
            mine.update(email_status=EmailStatus.PENDING, email_token="", updated_at=timezone.now())
            raise
        logger.exception("Notification email %s failed", batch)
        mine.update(
            email_status=EmailStatus.FAILED, email_error=f"{type(error).__name__}: {error}", updated_at=timezone.now()
        )
        return 0
    mine.update(email_status=EmailStatus.SENT, emailed_at=timezone.now(), updated_at=timezone.now())
    return 1


def _transient(error: Exception) -> bool:
    """A refused connection, a timeout, a server busy (4xx); not an address or message the server refuses."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    return isinstance(error, OSError)  # smtplib.SMTPException is one, and so are socket errors


def _message(rows: list[Notification]) -> EmailMessage:
    person = rows[0].recipient
    with translation.override(preferences_for(person).email_language):
        context = {
            "person": person,
            "notifications": [(row, absolute_url(row.get_absolute_url())) for row in rows],
            "preferences_url": absolute_url(reverse("claims:notification-preferences")),
        }
        if rows[0].digest_date:
            subject = _("Your claims due tomorrow and overdue")
            due = [(row, url) for row, url in context["notifications"] if row.kind == NotificationKind.DUE_TOMORROW]
            overdue = [(row, url) for row, url in context["notifications"] if row.kind == NotificationKind.OVERDUE]
            body = render_to_string("emails/digest.txt", {**context, "due": due, "overdue": overdue})
        else:
            row, url = context["notifications"][0]
            subject = row.summary
            due = row.claim.due_date if row.kind == NotificationKind.ASSIGNED else None
            body = render_to_string("emails/notification.txt", {**context, "notification": row, "url": url, "due": due})
    subject = " ".join(f"[Factcheck] {subject}".split())  # one line, whatever a name holds
    return EmailMessage(subject=subject, body=body, to=[person.email])
