"""Webhooks in process: events recorded where they happen, signed POSTs to a real local receiver,
retries with backoff and a stable key, giving up, disabling with a notice, the sweeper."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from claims.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from claims.services import webhooks
from claims.services.transitions import claim_transition
from claims.services.verification import blind_rating_record, review_submit
from tests.factories import ClaimFactory, UserFactory
from tests.webhook_receiver import Receiver, verify_factcheck_signature

pytestmark = pytest.mark.django_db

ALL = [event.value for event in WebhookEvent if event != WebhookEvent.TEST]


@pytest.fixture
def local(settings):
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    # Tasks run in process here: a retry queued "later" runs at once, and finds its row not due yet.
    settings.FACTCHECK_WEBHOOK_RETRY_SECONDS = 5
    settings.FACTCHECK_WEBHOOK_READ_TIMEOUT = 1.0
    return settings


@pytest.fixture
def receiver(local):
    r = Receiver().start()
    yield r
    r.stop()


def endpoint_for(receiver, events=ALL, **kwargs):
    endpoint = WebhookEndpoint.objects.create(name="Newsroom", url=receiver.url, events=list(events), **kwargs)
    receiver.secret = endpoint.secret
    return endpoint


def due_now(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


# --- The address check -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.8/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:10.0.0.8]/hook",  # an IPv4-mapped private address (the fetcher's rule catches it)
        "http://100.64.0.1/hook",  # shared address space (carrier-grade NAT)
        "http://224.0.0.1/hook",
        "http://user:pw@203.0.113.9/hook",
        "https:///nohost",
    ],
)
def test_non_http_private_loopback_and_link_local_addresses_are_refused(url, settings):
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = []
    assert webhooks.webhook_url_allowed(url) != ""


def test_a_public_address_is_allowed_and_an_allow_listed_host_may_be_local(settings):
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    assert webhooks.webhook_url_allowed("https://8.8.8.8/hook") == ""
    assert webhooks.webhook_url_allowed("http://127.0.0.1:9/hook") == ""
    assert webhooks.webhook_url_allowed("http://127.0.0.2/hook") != ""


# --- Events recorded where they happen, sent after the commit ------------------------------


def test_a_status_change_is_posted_signed_after_the_commit(receiver, editor_user, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(receiver)
    claim = ClaimFactory(status="detected")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claim_transition(claim=claim, actor=editor_user, action="keep")
    assert receiver.events() == []  # nothing leaves before the commit
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event, delivery.status) == (endpoint, "claim.status_changed", "pending")
    for callback in callbacks:
        callback()
    [hit] = receiver.events()
    assert hit["valid"] is True
    assert hit["headers"]["X-Factcheck-Event"] == "claim.status_changed"
    assert hit["headers"]["X-Factcheck-Delivery"] == str(delivery.event_id) == hit["json"]["id"]
    assert hit["json"]["data"]["claim"]["id"] == claim.pk
    assert (hit["json"]["data"]["from_status"], hit["json"]["data"]["to_status"]) == ("detected", "to_check")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)


def test_a_forged_or_old_signature_does_not_verify(receiver, editor_user, django_capture_on_commit_callbacks):
    endpoint_for(receiver)
    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=ClaimFactory(status="detected"), actor=editor_user, action="keep")
    [hit] = receiver.events()
    headers, body = hit["headers"], hit["body"]
    assert verify_factcheck_signature("another secret", headers, body) is False
    assert verify_factcheck_signature(receiver.secret, headers, body + b" ") is False
    old = {**headers, "X-Factcheck-Timestamp": str(int(headers["X-Factcheck-Timestamp"]) - 3600)}
    assert verify_factcheck_signature(receiver.secret, old, body) is False


def test_endpoints_get_only_the_events_they_want_and_paused_ones_nothing(receiver, editor_user):
    endpoint_for(receiver, events=["verdict.approved"])
    WebhookEndpoint.objects.create(name="Off", url=receiver.url, events=ALL, active=False)
    claim_transition(claim=ClaimFactory(status="detected"), actor=editor_user, action="keep")
    assert not WebhookDelivery.objects.exists()


def test_an_approval_sends_verdict_approved_with_the_rating(receiver, editor_user, django_capture_on_commit_callbacks):
    endpoint_for(receiver, events=["verdict.approved"])
    claim = ClaimFactory(status="in_review")  # with a submitted verdict by its checker
    blind_rating_record(claim=claim, actor=editor_user, rating="")
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(claim=claim, actor=editor_user, decision="approve")
    [hit] = receiver.events("verdict.approved")
    assert hit["valid"] is True
    assert hit["json"]["data"]["verdict"]["rating"] == claim.verdicts.get().rating
    assert hit["json"]["data"]["claim"]["status"] == "approved"


def test_one_event_has_one_key_for_every_endpoint(receiver, editor_user):
    first = endpoint_for(receiver)
    second = WebhookEndpoint.objects.create(name="Second", url=receiver.url, events=ALL)
    claim_transition(claim=ClaimFactory(status="detected"), actor=editor_user, action="keep")
    keys = dict(WebhookDelivery.objects.values_list("endpoint_id", "event_id"))
    assert keys[first.pk] == keys[second.pk]


# --- Retries, giving up, disabling ---------------------------------------------------------


def test_a_500_is_retried_with_backoff_and_the_same_key_until_it_is_delivered(receiver):
    endpoint = endpoint_for(receiver)
    receiver.answers = [500, 503]
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory())
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=4)
    assert "500" in delivery.last_error
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) in ("", DeliveryStatus.FAILED)  # early: not due
    due_now(delivery)
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    due_now(delivery)
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) == DeliveryStatus.DELIVERED
    assert [hit["code"] for hit in receiver.events()] == [500, 503, 200]
    assert len({hit["headers"]["X-Factcheck-Delivery"] for hit in receiver.events()}) == 1
    assert all(hit["valid"] for hit in receiver.events())
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.status) == (3, "delivered")
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_backoff_doubles_and_is_capped(settings):
    settings.FACTCHECK_WEBHOOK_RETRY_SECONDS = 30
    assert [webhooks.backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert webhooks.backoff_seconds(20) == 3600


def test_a_delivered_event_is_never_sent_again_by_a_repeated_message(receiver):
    endpoint = endpoint_for(receiver)
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory())
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) == ""
    assert len(receiver.events()) == 1


def test_a_delivery_is_given_up_after_the_last_attempt_and_can_be_sent_again(
    receiver, local, django_capture_on_commit_callbacks
):
    local.FACTCHECK_WEBHOOK_MAX_ATTEMPTS = 2
    endpoint = endpoint_for(receiver)
    receiver.answers = [500, 500]
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory())
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    due_now(delivery)
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) == DeliveryStatus.GIVEN_UP
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.webhook_delivery_retry(delivery=delivery) is True
    delivery.refresh_from_db()
    assert delivery.status == "delivered"  # eager in tests: sent again at once, with the same key
    assert len({hit["headers"]["X-Factcheck-Delivery"] for hit in receiver.events()}) == 1


def test_an_endpoint_failing_n_times_in_a_row_is_disabled_and_administrators_are_told(
    receiver, local, django_capture_on_commit_callbacks
):
    local.FACTCHECK_WEBHOOK_DISABLE_AFTER = 3
    UserFactory(username="admin", is_superuser=True, email="admin@example.org")
    UserFactory(username="plain", email="plain@example.org")
    endpoint = endpoint_for(receiver)
    receiver.answers = [500] * 10
    rows = [webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory()) for _ in range(4)]
    for row in rows[:3]:
        webhooks.webhook_deliver(delivery_id=row.pk)
    endpoint.refresh_from_db()
    assert endpoint.active is False and endpoint.disabled_at is not None
    assert "3 failed attempts" in endpoint.disabled_reason and "500" in endpoint.disabled_reason
    [notice] = mail.outbox
    assert notice.to == ["admin@example.org"] and "Newsroom" in notice.subject
    # Nothing is lost: the fourth waits, and goes out once the endpoint is enabled again.
    assert webhooks.webhook_deliver(delivery_id=rows[3].pk) == ""
    receiver.answers = []
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.webhook_endpoint_enable(endpoint=endpoint) == 4
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_receiver_that_hangs_times_out_and_is_retried(receiver, local, django_capture_on_commit_callbacks):
    local.FACTCHECK_WEBHOOK_READ_TIMEOUT = 0.3
    endpoint = endpoint_for(receiver)
    receiver.delay = 1.0
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory())
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.last_error == "The receiver did not answer in time."
    assert 250 <= delivery.duration_ms < 1000


def test_a_refused_connection_is_recorded_in_words(local):
    endpoint = WebhookEndpoint.objects.create(name="Gone", url="http://127.0.0.1:9/hook", events=ALL)
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory())
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "refused" in delivery.last_error


def test_an_address_that_became_private_is_refused_before_sending(settings):
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = []
    endpoint = WebhookEndpoint.objects.create(name="Inside", url="http://127.0.0.1:9/hook", events=ALL)
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory())
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "private or local" in delivery.last_error


def test_a_name_that_resolves_to_a_private_address_after_the_check_is_never_connected_to(settings, monkeypatch):
    """DNS rebinding: public when checked, private a moment later. The POST goes to the checked address."""
    import socket

    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = []
    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    connected = []
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), 80))]
    )
    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", lambda sock, addr: connected.append(addr) or real_connect(sock, addr))
    endpoint = WebhookEndpoint.objects.create(name="Rebinding", url="http://rebind.example/hook", events=ALL)
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=UserFactory())
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and connected == []
    assert "private" in delivery.last_error


def test_the_sweeper_requeues_lost_messages_and_attempts_whose_worker_died(receiver, local):
    endpoint = endpoint_for(receiver)
    long_ago = timezone.now() - timedelta(hours=1)
    lost = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="webhook.test",
        event_id=uuid.uuid4(),
        payload={"type": "webhook.test", "id": "x"},
        next_attempt_at=long_ago,
    )
    stuck = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="webhook.test",
        event_id=uuid.uuid4(),
        payload={"type": "webhook.test", "id": "y"},
        status="sending",
        sending_since=long_ago,
        attempts=1,
        next_attempt_at=long_ago,
    )
    WebhookDelivery.objects.filter(pk=stuck.pk).update(next_attempt_at=long_ago)
    assert sorted(webhooks.webhooks_sweep(sending_for=60)) == [lost.pk, stuck.pk]
    stuck.refresh_from_db()
    assert stuck.attempts == 2  # the attempt that died counts
    assert set(WebhookDelivery.objects.filter(pk__in=[lost.pk, stuck.pk]).values_list("status", flat=True)) == {
        "delivered"
    }


def test_an_extraction_sends_article_extracted(receiver, django_capture_on_commit_callbacks):
    from claims.services.extraction import article_extract
    from tests.factories import ArticleFactory

    endpoint_for(receiver, events=["article.extracted"])
    body = (
        "Le chômage a baissé de 2 % en 2023, selon l'INSEE.\n\nLe ministre a déclaré que 300 000 emplois ont été créés."
    )
    article = ArticleFactory(body=body, extraction_status="queued", extraction_token="t1")
    with django_capture_on_commit_callbacks(execute=True):
        article_extract(article_id=article.pk, token="t1")
    [hit] = receiver.events("article.extracted")
    assert hit["valid"] is True
    assert hit["json"]["data"]["article"]["id"] == article.pk
    assert hit["json"]["data"]["claims_found"] == article.claims.count()


def test_a_match_found_by_the_matcher_sends_claim_matched(
    receiver, checker_user, second_editor, settings, django_capture_on_commit_callbacks
):
    from claims.services import matching
    from tests.claims.services.test_matching import EARLIER, REPEAT, approved, claim_with

    settings.FACTCHECK_MATCH_SUGGEST = 0.3
    endpoint_for(receiver, events=["claim.matched"])
    earlier = approved(EARLIER, checker_user, second_editor)
    repeat = claim_with(REPEAT)
    with django_capture_on_commit_callbacks(execute=True):
        matching.article_match(article_id=repeat.article_id)
    [hit] = receiver.events("claim.matched")
    assert hit["json"]["data"]["claim"]["id"] == repeat.pk
    assert hit["json"]["data"]["matches"][0]["earlier_claim"] == earlier.pk
    with django_capture_on_commit_callbacks(execute=True):
        matching.article_match(article_id=repeat.article_id)  # nothing new: no second event
    assert len(receiver.events("claim.matched")) == 1
