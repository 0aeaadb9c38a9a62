"""Where a page sends people after a POST: back where they came from, if that is on this site."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, default):
    """Redirect to the POSTed `next` if it is a page of this site, otherwise to `default` (a URL or a model).

    `next` comes from the form, so anyone can forge it: another site's address (or a
    javascript: one) must never be followed.
    """
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)
