"""Webhook pages: administrators only; every other role (and a forged POST) is refused and changes nothing."""

import pytest
from django.urls import reverse

from claims.models import WebhookDelivery, WebhookEndpoint
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db

ALL = ["article.extracted", "claim.status_changed", "verdict.approved", "claim.matched"]


@pytest.fixture
def endpoint(db):
    return WebhookEndpoint.objects.create(name="Newsroom", url="https://hooks.example.org/x", events=ALL)


def client_as(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return client


def urls(endpoint):
    pk = endpoint.pk
    return {
        "get": [
            reverse("claims:webhook-list"),
            reverse("claims:webhook-create"),
            reverse("claims:webhook-detail", args=[pk]),
            reverse("claims:webhook-edit", args=[pk]),
        ],
        "post": [
            reverse("claims:webhook-create"),
            reverse("claims:webhook-edit", args=[pk]),
            reverse("claims:webhook-test", args=[pk]),
            reverse("claims:webhook-toggle", args=[pk]),
            reverse("claims:webhook-rotate-secret", args=[pk]),
            reverse("claims:webhook-delete", args=[pk]),
        ],
    }


@pytest.mark.parametrize("role", ["anonymous", "outsider", "checker", "editor"])
def test_only_administrators_reach_the_webhook_pages_and_forged_posts_change_nothing(client, people, endpoint, role):
    client = client_as(client, people, role)
    secret = endpoint.secret
    forged = {"name": "Evil", "url": "https://evil.example.org/", "events": ALL, "active": "on"}
    for url in urls(endpoint)["get"] + urls(endpoint)["post"]:
        response = client.post(url, forged) if url in urls(endpoint)["post"] else client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
        else:
            assert response.status_code == 403, url
            assert secret.encode() not in response.content
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.secret, endpoint.active) == ("Newsroom", secret, True)
    assert WebhookEndpoint.objects.count() == 1 and not WebhookDelivery.objects.exists()


def test_an_administrator_registers_an_endpoint_and_sees_its_secret(client, people):
    client.force_login(people["superuser"])
    data = {"name": "CMS", "url": "https://8.8.8.8/hook", "events": ["verdict.approved"], "active": "on"}
    response = client.post(reverse("claims:webhook-create"), data)
    endpoint = WebhookEndpoint.objects.get()
    assert response["Location"] == endpoint.get_absolute_url()
    assert (endpoint.events, endpoint.created_by) == (["verdict.approved"], people["superuser"])
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert endpoint.secret in page and "Send a test event" in page or "Envoyer un événement de test" in page


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:8000/", "private or local"),
        ("http://169.254.169.254/latest/", "private or local"),
        ("ftp://example.org/", "must begin with http://"),
        ("javascript:alert(1)", "Enter a valid URL"),
    ],
)
def test_private_and_non_http_addresses_are_refused_with_the_reason(client, people, url, words, settings):
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = []
    client.force_login(people["superuser"])
    data = {"name": "X", "url": url, "events": ALL}
    response = client.post(reverse("claims:webhook-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and words in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_unknown_events_and_huge_input_are_refused(client, people):
    client.force_login(people["superuser"])
    data = {"name": "x" * 5000, "url": "https://8.8.8.8/" + "a" * 600, "events": ["article.deleted"]}
    response = client.post(reverse("claims:webhook-create"), data)
    assert response.status_code == 200 and not WebhookEndpoint.objects.exists()
    assert set(response.context["form"].errors) == {"name", "url", "events"}


def test_send_a_test_event_reaches_the_receiver_and_the_log_shows_it(
    client, people, settings, django_capture_on_commit_callbacks
):
    settings.FACTCHECK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver = Receiver().start()
    try:
        endpoint = WebhookEndpoint.objects.create(name="Local", url=receiver.url, events=[])
        receiver.secret = endpoint.secret
        client.force_login(people["superuser"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("claims:webhook-test", args=[endpoint.pk]))
        assert response.status_code == 302
        [hit] = receiver.events("webhook.test")
        assert hit["valid"] is True and hit["json"]["data"]["requested_by"] == "root"
        page = client.get(endpoint.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Delivered" in page and hit["headers"]["X-Factcheck-Delivery"] in page
    finally:
        receiver.stop()


def test_pausing_keeps_events_and_enabling_sends_them(client, people, endpoint):
    client.force_login(people["superuser"])
    client.post(reverse("claims:webhook-toggle", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.active is False
    client.post(reverse("claims:webhook-test", args=[endpoint.pk]))
    assert WebhookDelivery.objects.get().status == "pending"
    client.post(reverse("claims:webhook-toggle", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.active is True


def test_rotating_the_secret_changes_it(client, people, endpoint):
    client.force_login(people["superuser"])
    old = endpoint.secret
    client.post(reverse("claims:webhook-rotate-secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and len(endpoint.secret) >= 40


def test_get_never_changes_anything(client, people, endpoint):
    client.force_login(people["superuser"])
    for name in ("webhook-test", "webhook-toggle", "webhook-rotate-secret", "webhook-delete"):
        assert client.get(reverse(f"claims:{name}", args=[endpoint.pk])).status_code == 405
    assert WebhookEndpoint.objects.filter(active=True).count() == 1 and not WebhookDelivery.objects.exists()
