"""Webhooks through the real Celery test worker: a request never waits for a receiver, a 500 is
retried with backoff under one key until delivered, a receiver that keeps failing is disabled."""

import statistics
import time

import pytest
from django.urls import reverse

from claims.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from factcheck.celery import app as celery_app
from tests.factories import ClaimFactory
from tests.helpers import once_in_ci
from tests.webhook_receiver import Receiver
from tests.worker import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {
    "FACTCHECK_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "FACTCHECK_WEBHOOK_RETRY_SECONDS": "0.3",
    "FACTCHECK_WEBHOOK_READ_TIMEOUT": "2",
    "FACTCHECK_WEBHOOK_DISABLE_AFTER": "4",
    "FACTCHECK_WEBHOOK_MAX_ATTEMPTS": "6",
}


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    once_in_ci("webhook deliveries through a real worker")
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    process = Worker(tmp_path / "worker.log", env_extra=WORKER_ENV).start()
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = eager
        process.stop()


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def endpoint_for(receiver, events=("claim.status_changed",)):
    endpoint = WebhookEndpoint.objects.create(name="Newsroom", url=receiver.url, events=list(events))
    receiver.secret = endpoint.secret
    return endpoint


def keep(client, claim) -> float:
    started = time.monotonic()
    response = client.post(reverse("claims:claim-transition", args=[claim.pk, "keep"]))
    assert response.status_code == 302
    return time.monotonic() - started


def test_a_request_returns_at_once_while_the_receiver_hangs_and_the_event_arrives_later(
    worker, receiver, client, editor_user
):
    client.force_login(editor_user)
    claims = [ClaimFactory(status="detected") for _ in range(6)]
    baseline = [keep(client, claim) for claim in claims[:3]]  # no endpoint yet
    endpoint_for(receiver)
    receiver.delay = 1.5  # under the read timeout: delivered, slowly
    hanging = [keep(client, claim) for claim in claims[3:]]
    print(
        f"\nkeep a claim: {statistics.median(baseline) * 1000:.0f} ms without webhooks, "
        f"{statistics.median(hanging) * 1000:.0f} ms with a receiver that takes 1.5 s"
    )
    assert max(hanging) < 1.0
    wait_for(
        lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 3, 60, "3 deliveries", worker
    )
    assert all(hit["valid"] for hit in receiver.events())
    assert sorted(hit["json"]["data"]["claim"]["id"] for hit in receiver.events()) == [c.pk for c in claims[3:]]


def test_delivery_latency_through_the_worker(worker, receiver, superuser):
    endpoint = endpoint_for(receiver)
    latencies = []
    for _ in range(6):  # the first waits for the pool child to finish preloading spaCy: reported apart
        count = len(receiver.events())
        started = time.monotonic()
        webhooks.webhook_send_test(endpoint=endpoint, actor=superuser)  # committed: autocommit
        wait_for(lambda n=count: len(receiver.events()) > n, 30, "the test event", worker)
        latencies.append(receiver.events()[-1]["at"] - started)
    first, rest = latencies[0], latencies[1:]
    print(
        f"\ncommit to receiver: first {first * 1000:.0f} ms after the worker started, then median "
        f"{statistics.median(rest) * 1000:.0f} ms, max {max(rest) * 1000:.0f} ms"
    )
    assert all(hit["valid"] for hit in receiver.events())


def test_a_500_is_retried_by_the_worker_with_backoff_and_one_key_until_delivered(worker, receiver, superuser):
    endpoint = endpoint_for(receiver)
    receiver.answers = [500, 502]
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=superuser)
    wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered", 60, "delivery", worker)
    hits = receiver.events()
    assert [hit["code"] for hit in hits] == [500, 502, 200]
    assert len({hit["headers"]["X-Factcheck-Delivery"] for hit in hits}) == 1
    assert all(hit["valid"] for hit in hits)
    gaps = [later["at"] - earlier["at"] for earlier, later in zip(hits, hits[1:], strict=False)]
    assert gaps[0] >= 0.3 and gaps[1] >= 0.6  # 0.3 s, then doubled
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code) == (3, 200)


def test_a_receiver_failing_again_and_again_is_disabled_and_administrators_are_emailed(worker, receiver, superuser):
    superuser.email = "root@example.org"
    superuser.save()
    endpoint = endpoint_for(receiver)
    receiver.answers = [500] * 100
    delivery = webhooks.webhook_send_test(endpoint=endpoint, actor=superuser)
    wait_for(lambda: not WebhookEndpoint.objects.get(pk=endpoint.pk).active, 60, "the endpoint disabled", worker)
    endpoint.refresh_from_db()
    # Written by the worker in the desk's language (LANGUAGE_CODE), like an extraction's error.
    assert endpoint.consecutive_failures == 4 and "4" in endpoint.disabled_reason and "500" in endpoint.disabled_reason
    wait_for(lambda: "To: root@example.org" in worker.log.read_text(), 10, "the email to administrators", worker)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 4  # kept, waiting for the endpoint
    time.sleep(1.5)
    assert len(receiver.events()) == 4  # nothing more is sent to a disabled endpoint
    receiver.answers = []
    webhooks.webhook_endpoint_enable(endpoint=endpoint)
    wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered", 30, "delivery", worker)
