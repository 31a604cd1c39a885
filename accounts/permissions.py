"""The gates of the benefits area and of the Team page: for each, a decorator for function views
and a mixin for classes.

Anonymous visitors are sent to sign in; signed-in accounts without one of BENEFITS_ROLES get a
403 page naming the roles that have access (BENEFITS_ROLES; TEAM_ADMIN_ROLES for the Team
page). Past the gate, ``request.organization`` is the
account's organization, and every object is fetched through it (see the selectors), so another
organization's objects are 404. Views behind the gate annotate their request as
``PortalRequest``, which says so to the type checker.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views import View
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from accounts.models import Organization, Role, User
from common.htmx import htmx_page_path
from common.referer import referring_page


class SignedInRequest(HttpRequest):
    """A request to a view behind ``login_required``: its user is an account."""

    user: User


class PortalRequest(SignedInRequest):
    """A request past the benefits gate: its account's organization, and the htmx details
    every request gets from HtmxMiddleware."""

    organization: Organization
    htmx: HtmxDetails


def benefits_role_names() -> list[str]:
    """Display names of the roles that open the benefits area, in the setting's order."""
    labels = dict(Role.choices)
    return [str(labels.get(code, code)) for code in settings.BENEFITS_ROLES]


def no_access_response(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/no_access.html",
        {"role_names": benefits_role_names()},
        status=403,
    )


def team_role_names() -> list[str]:
    """Display names of the roles that open the Team page, in the setting's order."""
    labels = dict(Role.choices)
    return [str(labels.get(code, code)) for code in settings.TEAM_ADMIN_ROLES]


def no_team_access_response(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/no_team_access.html",
        {"role_names": team_role_names()},
        status=403,
    )


def _gate(request: HttpRequest, *, team: bool = False) -> HttpResponse | None:
    """The response that stops the request, or None (and the organization set) to go on."""
    if not request.user.is_authenticated:
        if getattr(request, "htmx", None):
            # A fragment request after the session ended: send the whole page to sign in,
            # rather than swap the sign-in page into a table cell.
            return HttpResponseClientRedirect(redirect_to_login(htmx_page_path(request) or "/").url)
        if request.method not in {"GET", "HEAD"}:
            # A form sent after the session ended: its address answers POST only, so signing
            # in leads back to the page the form was on, where it can be sent again.
            return redirect_to_login(referring_page(request) or "/")
        return redirect_to_login(request.get_full_path())
    # has_benefits_access implies an organization; the second test says so to the type checker.
    if team:
        if not request.user.has_team_access or request.user.organization is None:
            return no_team_access_response(request)
    elif not request.user.has_benefits_access or request.user.organization is None:
        return no_access_response(request)
    cast(PortalRequest, request).organization = request.user.organization
    return None


def benefits_access_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _gate(request) or view(request, *args, **kwargs)

    return wrapper


class BenefitsAccessMixin(AccessMixin, View):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        return _gate(request) or super().dispatch(request, *args, **kwargs)


def team_access_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The Team page's gate: TEAM_ADMIN_ROLES, and ``request.organization`` set past it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _gate(request, team=True) or view(request, *args, **kwargs)

    return wrapper


class TeamAccessMixin(AccessMixin, View):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        return _gate(request, team=True) or super().dispatch(request, *args, **kwargs)
