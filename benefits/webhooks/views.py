"""The Team page's webhooks (/team/webhooks/): team admins register endpoints, see each one's
delivery log, change its kinds, rotate its secret, disable, enable, delete it, and resend a
delivery. Plain forms and links: every action works without JavaScript.

A secret is shown once, in the answer to the POST that made it (never stored in the session,
never in a page that can be fetched again), with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import PortalRequest, team_access_required
from benefits.webhooks import selectors, services
from benefits.webhooks.forms import EndpointForm, KindsForm
from benefits.webhooks.models import WebhookEndpoint
from common.paging import page_number

KINDS_CHANGED = _("The kinds of activity sent to %(url)s are changed.")
DISABLED = _("%(url)s is disabled: nothing is sent to it until you enable it.")
ENABLED = _("%(url)s is enabled again; deliveries still waiting go out now.")
DELETED = _("The endpoint %(url)s and its delivery log are deleted.")
RESENT = _("The delivery is sent again, with the same webhook-id.")


@require_safe
@team_access_required
def endpoint_list(request: PortalRequest) -> HttpResponse:
    endpoints = list(selectors.endpoint_list(organization=request.organization))
    return render(request, "webhooks/list.html", {"endpoints": endpoints})


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def endpoint_create(request: PortalRequest) -> HttpResponse:
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(
                organization=request.organization,
                actor=request.user,
                url=form.cleaned_data["url"],
                kinds=form.cleaned_data["kinds"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            return _secret_shown(request, endpoint, secret, created=True)
    return render(request, "webhooks/form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def endpoint_detail(request: PortalRequest, endpoint_id: int) -> HttpResponse:
    """The endpoint, its kinds (POST changes them) and one page of its delivery log."""
    endpoint = selectors.endpoint_get(organization=request.organization, endpoint_id=endpoint_id)
    if request.method == "POST":
        form = KindsForm(request.POST)
        if form.is_valid():
            services.endpoint_kinds_change(
                endpoint=endpoint, kinds=form.cleaned_data["kinds"], actor=request.user
            )
            messages.success(request, KINDS_CHANGED % {"url": endpoint.url})
            return redirect("team:webhook_detail", endpoint.pk)
    else:
        form = KindsForm(initial={"kinds": endpoint.kinds})
    page = selectors.delivery_page(endpoint=endpoint, number=page_number(request.GET.get("page")))
    context = {"endpoint": endpoint, "form": form, "page": page}
    return render(request, "webhooks/detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def endpoint_secret(request: PortalRequest, endpoint_id: int) -> HttpResponse:
    """GET asks for confirmation; POST makes a new secret and shows it once."""
    endpoint = selectors.endpoint_get(organization=request.organization, endpoint_id=endpoint_id)
    seen = request.POST.get("secret_version", "")
    # A POST without the version the confirmation page sends (not "changed meanwhile": it was
    # never seen) is asked to confirm, as a GET is.
    if request.method != "POST" or not services.secret_version_readable(seen):
        context = {
            "endpoint": endpoint,
            "action": "rotate",
            "secret_version": services.secret_version(endpoint),
        }
        return render(request, "webhooks/confirm.html", context)
    try:
        secret = services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user, seen=seen)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("team:webhook_detail", endpoint.pk)
    return _secret_shown(request, endpoint, secret, created=False)


@require_POST
@team_access_required
def endpoint_disable(request: PortalRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, endpoint_id=endpoint_id)
    services.endpoint_disable(endpoint=endpoint, actor=request.user)
    messages.success(request, DISABLED % {"url": endpoint.url})
    return redirect("team:webhook_detail", endpoint.pk)


@require_POST
@team_access_required
def endpoint_enable(request: PortalRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, endpoint_id=endpoint_id)
    services.endpoint_enable(endpoint=endpoint, actor=request.user)
    messages.success(request, ENABLED % {"url": endpoint.url})
    return redirect("team:webhook_detail", endpoint.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def endpoint_delete(request: PortalRequest, endpoint_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    endpoint = selectors.endpoint_get(organization=request.organization, endpoint_id=endpoint_id)
    if request.method != "POST":
        return render(request, "webhooks/confirm.html", {"endpoint": endpoint, "action": "delete"})
    services.endpoint_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, DELETED % {"url": endpoint.url})
    return redirect("team:webhooks")


@require_POST
@team_access_required
def delivery_resend(request: PortalRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, endpoint_id=endpoint_id)
    delivery = selectors.delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    try:
        services.delivery_resend(delivery=delivery)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, RESENT)
    return redirect("team:webhook_detail", endpoint.pk)


def _secret_shown(
    request: PortalRequest, endpoint: WebhookEndpoint, secret: str, *, created: bool
) -> HttpResponse:
    context = {"endpoint": endpoint, "secret": secret, "created": created}
    response = render(request, "webhooks/secret.html", context)
    add_never_cache_headers(response)
    return response
