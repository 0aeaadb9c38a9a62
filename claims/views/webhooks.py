"""Webhook endpoints and their delivery logs: administrators only."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import forms, selectors
from claims.models import WebhookDelivery
from claims.services import webhooks
from claims.views.access import get_webhook_for_user, webhooks_admin_required


@webhooks_admin_required
def webhook_list(request):
    return render(request, "claims/webhook_list.html", {"endpoints": selectors.webhook_endpoints()})


@webhooks_admin_required
def webhook_create(request):
    form = forms.WebhookEndpointForm(request.POST or None)
    if form.is_bound and form.is_valid():
        endpoint = webhooks.webhook_endpoint_save(endpoint=form.save(commit=False), actor=request.user)
        messages.success(request, _("Endpoint saved. Copy its secret below to check the signatures."))
        return redirect(endpoint)
    return render(request, "claims/webhook_form.html", {"form": form})


@webhooks_admin_required
def webhook_edit(request, pk: int):
    endpoint = get_webhook_for_user(request, pk)
    form = forms.WebhookEndpointForm(request.POST or None, instance=endpoint)
    if form.is_bound and form.is_valid():
        webhooks.webhook_endpoint_save(endpoint=form.save(commit=False), actor=request.user)
        messages.success(request, _("Endpoint saved."))
        return redirect(endpoint)
    return render(request, "claims/webhook_form.html", {"form": form, "endpoint": endpoint})


@webhooks_admin_required
def webhook_detail(request, pk: int):
    endpoint = get_webhook_for_user(request, pk)
    context = {"endpoint": endpoint, "deliveries": selectors.webhook_deliveries(endpoint=endpoint)}
    return render(request, "claims/webhook_detail.html", context)


@webhooks_admin_required
@require_POST
def webhook_test(request, pk: int):
    endpoint = get_webhook_for_user(request, pk)
    webhooks.webhook_send_test(endpoint=endpoint, actor=request.user)
    if endpoint.active:
        messages.success(request, _("A test event is on its way; this log shows how it went."))
    else:
        messages.warning(request, _("The test event waits: the endpoint is off. Enable it to send."))
    return redirect(endpoint)


@webhooks_admin_required
@require_POST
def webhook_toggle(request, pk: int):
    endpoint = get_webhook_for_user(request, pk)
    if endpoint.active:
        webhooks.webhook_endpoint_pause(endpoint=endpoint)
        messages.success(request, _("Endpoint paused: events are kept and sent when you enable it again."))
    else:
        waiting = webhooks.webhook_endpoint_enable(endpoint=endpoint)
        messages.success(
            request, _("Endpoint enabled; %(count)s waiting events are on their way.") % {"count": waiting}
        )
    return redirect(endpoint)


@webhooks_admin_required
@require_POST
def webhook_rotate_secret(request, pk: int):
    endpoint = get_webhook_for_user(request, pk)
    webhooks.webhook_secret_rotate(endpoint=endpoint)
    messages.success(request, _("New secret made: the receiver must use it from now on."))
    return redirect(endpoint)


@webhooks_admin_required
@require_POST
def webhook_delete(request, pk: int):
    endpoint = get_webhook_for_user(request, pk)
    endpoint.delete()
    messages.success(request, _("Endpoint deleted with its delivery log."))
    return redirect("claims:webhook-list")


@webhooks_admin_required
@require_POST
def webhook_delivery_retry(request, pk: int, delivery_pk: int):
    endpoint = get_webhook_for_user(request, pk)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, endpoint=endpoint)
    if webhooks.webhook_delivery_retry(delivery=delivery):
        messages.success(request, _("Sent again, with the same delivery key."))
    else:
        messages.info(request, _("This event was already delivered."))
    return redirect(endpoint)
