"""Webhooks: record events for the endpoints that want them, and deliver them, signed.

Design (after Meedan Check's and Stripe's webhooks):
- `webhook_emit` is called by the one service that makes each event happen, inside its
  transaction: it writes one delivery row per subscribed endpoint (an outbox) and queues the
  deliveries when the transaction commits. A request never waits for a receiver.
- `webhook_deliver` claims the row with a conditional update (PENDING/FAILED and due ->
  SENDING under a token), POSTs once, and records the outcome; a failure schedules the next
  attempt (exponential backoff) on the row itself and queues it with a countdown. The beat
  sweeper queues again rows whose message was lost, so delivery is at least once; the
  receiver de-duplicates on X-Factcheck-Delivery, the event's id, the same on every attempt.
- The body is signed with HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret.
"""

import hashlib
import hmac
import json
import logging
import secrets
import socket
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.fetch import FetchError, Policy, address_refused, pinned_pool
from claims.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from claims.models.webhooks import UNDELIVERED, new_secret

logger = logging.getLogger(__name__)

USER_AGENT = "Factcheck-Webhooks/1.0"
MAX_BACKOFF_SECONDS = 3600
ERROR_CHARS = 500


# --- Who may receive: the address check ------------------------------------------------


def webhook_url_allowed(url: str) -> str:
    """Why `url` may not receive webhooks ("" if it may): http(s) only, and no private,
    loopback, link-local, multicast or reserved address unless its host is allow-listed
    (FACTCHECK_WEBHOOK_ALLOWED_HOSTS). Checked when the endpoint is saved and before every POST."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("The address must begin with http:// or https:// and name a host.")
    if parts.username or parts.password:
        return _("The address must not carry a user name or password.")
    host = parts.hostname
    if host in settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS:
        return ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError, ValueError):
        return _("The host %(host)s cannot be found.") % {"host": host}
    for address in addresses:
        if address_refused(address):  # the fetcher's rule: one definition of "not on the public internet"
            return _("%(host)s is a private or local address (%(ip)s); webhooks go to public addresses only.") % {
                "host": host,
                "ip": address.split("%", 1)[0],
            }
    return ""


# --- Administrators' actions -------------------------------------------------------------


def webhook_endpoint_save(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    if endpoint.pk is None:
        endpoint.created_by = actor
    endpoint.events = [event for event in endpoint.events if event in WebhookEvent.values]
    endpoint.save()
    return endpoint


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> int:
    """Turn an endpoint on again and queue whatever it has not received yet; returns that count."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            active=True, consecutive_failures=0, disabled_at=None, disabled_reason="", updated_at=timezone.now()
        )
        waiting = list(endpoint.deliveries.filter(status__in=UNDELIVERED).values_list("pk", flat=True))
        endpoint.deliveries.filter(pk__in=waiting).update(next_attempt_at=timezone.now())
        _queue_after_commit(waiting)
    endpoint.refresh_from_db()
    return len(waiting)


def webhook_endpoint_pause(*, endpoint: WebhookEndpoint) -> None:
    """Stop sending; events still recorded meanwhile wait for the endpoint to be enabled again."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, updated_at=timezone.now())
    endpoint.refresh_from_db()


def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint.secret


def webhook_delivery_retry(*, delivery: WebhookDelivery) -> bool:
    """Send a given-up (or waiting) delivery again now, with the same key; False if it was delivered."""
    with transaction.atomic():
        moved = WebhookDelivery.objects.filter(
            pk=delivery.pk, status__in=(*UNDELIVERED, DeliveryStatus.GIVEN_UP)
        ).update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now())
        if moved:
            _queue_after_commit([delivery.pk])
    return bool(moved)


def webhook_send_test(*, endpoint: WebhookEndpoint, actor) -> WebhookDelivery:
    """A test event for this endpoint only, whatever it subscribes to; queued at once."""
    data = {"message": _("A test event from Factcheck."), "requested_by": actor.get_username()}
    with transaction.atomic():
        delivery = _delivery_row(endpoint, WebhookEvent.TEST, uuid.uuid4(), data)
        delivery.save()
        _queue_after_commit([delivery.pk])
    return delivery


# --- Emitting ----------------------------------------------------------------------------


def webhook_emit(*, event: WebhookEvent, data: dict) -> list[int]:
    """Record `event` for every active endpoint that wants it; delivered after the commit.

    One query when nobody subscribes. Call it inside the transaction that makes the event happen.
    """
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(active=True) if endpoint.wants(event)]
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    rows = WebhookDelivery.objects.bulk_create(_delivery_row(endpoint, event, event_id, data) for endpoint in endpoints)
    ids = [row.pk for row in rows]
    _queue_after_commit(ids)
    return ids


def _delivery_row(endpoint: WebhookEndpoint, event: str, event_id: uuid.UUID, data: dict) -> WebhookDelivery:
    payload = {"id": str(event_id), "type": str(event), "created_at": timezone.now().isoformat(), "data": data}
    return WebhookDelivery(
        endpoint=endpoint, event=event, event_id=event_id, payload=payload, next_attempt_at=timezone.now()
    )


def _queue_after_commit(ids: list[int]) -> None:
    from claims.tasks import deliver_webhook

    for pk in ids:
        deliver_webhook.delay_on_commit(pk)


def claim_data(claim) -> dict:
    from claims.services.notifications import absolute_url

    return {
        "id": claim.pk,
        "article": claim.article_id,
        "text": claim.display_text,
        "status": claim.status,
        "url": absolute_url(claim.get_absolute_url()),
    }


def article_data(article) -> dict:
    from claims.services.notifications import absolute_url

    return {
        "id": article.pk,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "language": article.language,
        "desk_url": absolute_url(article.get_absolute_url()),
    }


# --- Delivering --------------------------------------------------------------------------


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """The X-Factcheck-Signature value: "sha256=" + HMAC-SHA256(secret, timestamp + "." + body)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff_seconds(attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt: the base, doubled each time, at most an hour."""
    return min(settings.FACTCHECK_WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)


def webhook_deliver(*, delivery_id: int) -> str:
    """Make one attempt at a due delivery; returns its status afterwards ("" if nothing was claimed)."""
    token = secrets.token_hex(16)
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=UNDELIVERED, next_attempt_at__lte=now, endpoint__active=True
    ).update(status=DeliveryStatus.SENDING, token=token, sending_since=now, attempts=F("attempts") + 1)
    if not claimed:
        return ""  # delivered, given up, not due yet, taken by another worker, or its endpoint is off
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    outcome = _post(delivery)
    return _record(delivery, token, *outcome)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, int]:
    """POST the signed payload once: (response code or None, error in words or "", milliseconds)."""
    endpoint = delivery.endpoint
    problem = webhook_url_allowed(endpoint.url)
    if problem:
        return None, problem, 0
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Delivery": str(delivery.event_id),
        "X-Factcheck-Timestamp": timestamp,
        "X-Factcheck-Signature": sign(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    policy = Policy(
        user_agent=USER_AGENT,
        connect_timeout=settings.FACTCHECK_WEBHOOK_CONNECT_TIMEOUT,
        read_timeout=settings.FACTCHECK_WEBHOOK_READ_TIMEOUT,
        allowed_hosts=frozenset(host.lower() for host in settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS),
    )
    started = time.monotonic()
    try:
        # Connect to the address just checked, not to whatever the name resolves to a moment later.
        pool, target, headers["Host"] = pinned_pool(endpoint.url, policy=policy)
    except FetchError as error:
        return None, str(error), 0
    try:
        response = pool.urlopen(
            "POST",
            target,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        response.read(4096, decode_content=False)  # a receiver's answer is not ours to keep
        response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        return None, _describe(error), _ms(started)
    code = response.status
    if 200 <= code < 300:
        return code, "", _ms(started)
    return code, _("The receiver answered %(code)s.") % {"code": code}, _ms(started)


def _describe(error: Exception) -> str:
    # NewConnectionError is a ConnectTimeoutError in urllib3 2: ask for it first.
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return _("The connection was refused or the host is unreachable.")
    if isinstance(error, urllib3.exceptions.ConnectTimeoutError):
        return _("Could not connect in time.")
    if isinstance(error, urllib3.exceptions.ReadTimeoutError):
        return _("The receiver did not answer in time.")
    return (_("The request failed: %(error)s") % {"error": error})[:ERROR_CHARS]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _record(delivery: WebhookDelivery, token: str, code: int | None, error: str, ms: int) -> str:
    """Write the attempt's outcome if the row is still this attempt's (the sweeper may have taken it back)."""
    now = timezone.now()
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, token=token, status=DeliveryStatus.SENDING)
    fields = {"response_code": code, "last_error": error, "duration_ms": ms, "sending_since": None}
    if not error:
        if mine.update(status=DeliveryStatus.DELIVERED, delivered_at=now, **fields):
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
        return DeliveryStatus.DELIVERED
    if delivery.attempts >= settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS:
        status, wait = DeliveryStatus.GIVEN_UP, None
        moved = mine.update(status=status, next_attempt_at=None, **fields)
    else:
        status, wait = DeliveryStatus.FAILED, backoff_seconds(delivery.attempts)
        moved = mine.update(status=status, next_attempt_at=now + timedelta(seconds=wait), **fields)
    if not moved:
        return ""
    if wait is not None:
        _queue_later(delivery.pk, wait)
    _count_failure(delivery.endpoint, error)
    return status


def _queue_later(delivery_id: int, wait: float) -> None:
    from claims.tasks import deliver_webhook

    # A little after the row is due, so the claim's "due" test passes on the first try.
    deliver_webhook.apply_async((delivery_id,), countdown=wait + 0.05)


def _count_failure(endpoint: WebhookEndpoint, error: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.FACTCHECK_WEBHOOK_DISABLE_AFTER
    reason = _("Disabled after %(count)s failed attempts in a row; the last: %(error)s") % {
        "count": limit,
        "error": error,
    }
    # Conditional: only the worker that crosses the limit disables it and writes to administrators.
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True, consecutive_failures__gte=limit).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason
    )
    if disabled:
        _tell_administrators(endpoint, reason)


def _tell_administrators(endpoint: WebhookEndpoint, reason: str) -> None:
    from claims.services.notifications import absolute_url

    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, is_superuser=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    logger.warning("Webhook endpoint %s (%s) disabled: %s", endpoint.pk, endpoint.url, reason)
    if not recipients:
        return
    link = absolute_url(endpoint.get_absolute_url())
    subject = _("Webhook endpoint disabled: %(name)s") % {"name": endpoint.name}
    body = _(
        "The webhook endpoint %(name)s (%(url)s) was disabled.\n%(reason)s\n\nEvents are kept: enable it again "
        "once the receiver works, and they will be sent.\n%(link)s"
    ) % {
        "name": endpoint.name,
        "url": endpoint.url,
        "reason": reason,
        "link": link,
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except OSError:
        logger.exception("Could not email administrators about webhook endpoint %s", endpoint.pk)


def webhooks_sweep(*, sending_for: int) -> list[int]:
    """Queue again due deliveries whose message was lost, and attempts whose worker died mid-send."""
    now = timezone.now()
    stuck = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.SENDING, sending_since__lt=now - timedelta(seconds=sending_for)
        ).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=stuck, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=now, last_error=_("The worker stopped while sending.")
    )
    # Due for a minute at least: the message queued with it has had its chance.
    lost = WebhookDelivery.objects.filter(
        status__in=UNDELIVERED, next_attempt_at__lte=now - timedelta(seconds=60), endpoint__active=True
    ).values_list("pk", flat=True)[:1000]
    due = sorted({*stuck, *lost})
    for pk in due:
        from claims.tasks import deliver_webhook

        deliver_webhook.delay(pk)
    return due
