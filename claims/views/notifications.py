"""A person's own notifications and which of them reach them by email; nobody sees anyone else's."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import forms, selectors
from claims.services import notifications
from claims.views.access import desk_required, get_notification_for_user


@desk_required
def notification_list(request):
    page = Paginator(selectors.notification_list_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "claims/notification_list.html", {"page": page})


@desk_required
@require_POST
def notifications_read(request):
    notifications.notifications_mark_read(user=request.user)
    return redirect("claims:notification-list")


@desk_required
@require_POST
def notification_read(request, pk: int):
    notification = get_notification_for_user(request, pk)
    notifications.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect("claims:notification-list")


@desk_required
def notification_preferences(request):
    preferences = notifications.preferences_for(request.user)
    data = request.POST if request.method == "POST" else None  # every box unticked is a choice too
    form = forms.NotificationPreferencesForm(data, instance=preferences)
    if form.is_bound and form.is_valid():
        notifications.preferences_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("claims:notification-preferences")
    context = {"form": form, "email_language": preferences.email_language}
    return render(request, "claims/notification_preferences.html", context)
