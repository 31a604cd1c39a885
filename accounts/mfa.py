"""Two-step verification (django-allauth's mfa app) as the portal uses it.

- ``MFAEnrolmentMiddleware``: with ``settings.PORTAL_MFA_REQUIRED``, an account that must use
  two-step verification (``mfa_required_for``) and has neither an authenticator app nor a
  passkey is sent to enrol before it reaches anything else; once enrolled, the session
  remembers it (``session_has_second_factor``), so the check costs no query per page.
- ``second_factor_recently`` and ``second_factor_required``: "prove your second factor again"
  for sensitive actions (revealing a full product key), with the same 15-minute window as
  allauth's reauthentication (``ACCOUNT_REAUTHENTICATION_TIMEOUT``).
- ``recently_authenticated``: the portal's reauthentication rule, which accounts/adapter.py
  gives allauth: with a second factor, only the second factor counts.
- ``mfa_status`` and ``with_mfa_status``: what the Team page shows per account.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache, wraps

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.flows.reauthentication import suspend_request
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import User
from common.htmx import htmx_page_path

# The kinds of authenticator that make a second factor; recovery codes only stand in for them.
SECOND_FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Holds the id of the account this session found with a second factor (session_has_second_factor).
SECOND_FACTOR_SESSION_KEY = "portal_mfa_second_factor_user"

ENROLMENT_MESSAGE = _(
    "Your organization requires two-step verification for your account. Set up an "
    "authenticator app or a passkey to continue."
)

# mfa_status values.
STATUS_NONE = "none"
STATUS_TOTP = "totp"
STATUS_PASSKEY = "passkey"
STATUS_TOTP_AND_PASSKEY = "totp_and_passkey"
STATUS_LABELS = {
    STATUS_NONE: _("Off"),
    STATUS_TOTP: _("Authenticator app"),
    STATUS_PASSKEY: _("Passkey"),
    STATUS_TOTP_AND_PASSKEY: _("Authenticator app and passkey"),
}
# with_mfa_status adds no query to a list: its annotations are subqueries of the same SELECT.
WITH_MFA_STATUS_EXTRA_QUERIES = 0


def mfa_required_for(user: User) -> bool:
    """True when the account must use two-step verification while PORTAL_MFA_REQUIRED is on:
    a benefits role, a team role (Global admin, User admin) or staff status."""
    roles = set(settings.BENEFITS_ROLES) | set(settings.TEAM_ADMIN_ROLES)
    return bool(user.is_active and (user.is_staff or roles.intersection(user.roles)))


def has_second_factor(user: User) -> bool:
    """True when the account has an authenticator app or a passkey (one query)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def session_has_second_factor(request: HttpRequest, user: User) -> bool:
    """``has_second_factor``, remembered by the session once true, so an enrolled account's
    pages cost no query for it. Keyed by the account's id: a session that changes account never
    borrows the answer. Forgotten on sign-out (the session is emptied) and when this session
    removes an authenticator (``forget_second_factor``)."""
    if request.session.get(SECOND_FACTOR_SESSION_KEY) == user.pk:
        return True
    if not has_second_factor(user):
        return False
    request.session[SECOND_FACTOR_SESSION_KEY] = user.pk
    return True


def forget_second_factor(sender: object, request: HttpRequest | None = None, **kwargs) -> None:
    """allauth's ``authenticator_removed``: the next request checks again, so removing the last
    authenticator app or passkey sends the account back to enrolment."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SECOND_FACTOR_SESSION_KEY, None)


@cache  # worked out once: the middleware asks on every request
def _enrolment_allowed_paths() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),  # every two-step page: TOTP, passkeys, recovery codes
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("logout"),
        reverse("set_language"),
        reverse("healthz"),
        settings.STATIC_URL or "/static/",
    )


class MFAEnrolmentMiddleware:
    """Sends a signed-in account that must use two-step verification and has no second factor
    to the two-step verification page, with a message saying why, whatever it asked for — except
    the pages it needs to enrol, sign out, change language, and static files. An htmx request
    gets HX-Redirect, so the whole page changes rather than a fragment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.PORTAL_MFA_REQUIRED and self._must_enrol(request):
            messages.warning(request, ENROLMENT_MESSAGE)
            url = reverse("mfa_index")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return HttpResponseRedirect(url)
        return self.get_response(request)

    def _must_enrol(self, request: HttpRequest) -> bool:
        # The address first: reading the account costs a session read and a query, which
        # /healthz/ and static files must not pay.
        if request.path.startswith(_enrolment_allowed_paths()):
            return False
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return False
        return mfa_required_for(user) and not session_has_second_factor(request, user)


def _recent_records(request: HttpRequest, user: User) -> list[dict]:
    oldest = time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    return [r for r in get_authentication_records(request, user) if r.get("at", 0) > oldest]


def second_factor_recently(request: HttpRequest) -> bool:
    """True when this session proved a second factor (authenticator code, recovery code or
    passkey) within ACCOUNT_REAUTHENTICATION_TIMEOUT (15 minutes), at sign-in or since."""
    user = request.user
    if not user.is_authenticated or not isinstance(user, User):
        return False
    return any(r.get("method") == "mfa" for r in _recent_records(request, user))


def recently_authenticated(request: HttpRequest) -> bool:
    """The portal's reauthentication rule: an account with a second factor must have proved it
    within the timeout; one without (enrolling, or MFA not required) must have signed in or
    confirmed its password within it."""
    user = request.user
    if not user.is_authenticated or not isinstance(user, User):
        return False
    if has_second_factor(user):
        return second_factor_recently(request)
    return bool(_recent_records(request, user))


def second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that must follow a recent second factor, e.g. revealing full product keys::

        @login_required
        @second_factor_required
        def reveal_keys(request, pk): ...

    Without one in the last 15 minutes, the person is sent to allauth's reauthentication —
    the second factor (``mfa_reauthenticate``, or the passkey page) for an account that has
    one, the password for one that has none — with ``?next=`` this address; a POST is kept
    and replayed after it (allauth's ``suspend_request``). htmx requests get HX-Redirect to
    the same place, with ``next`` the page the person is on. Anonymous visitors pass through
    untouched: put ``login_required`` first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or recently_authenticated(request):
            return view(request, *args, **kwargs)
        methods = get_adapter(request).get_reauthentication_methods(user)
        url = methods[0]["url"] if methods else reverse("account_reauthenticate")
        if getattr(request, "htmx", None):
            current = htmx_page_path(request) or request.get_full_path()
            return HttpResponseClientRedirect(f"{url}?{urlencode({'next': current})}")
        return suspend_request(request, url)

    return wrapper


def with_mfa_status(queryset: QuerySet[User]) -> QuerySet[User]:
    """Accounts annotated with ``has_totp`` (bool) and ``passkey_count`` (int), in the same
    query (WITH_MFA_STATUS_EXTRA_QUERIES); ``mfa_status`` reads them when present."""
    totp = Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    passkeys = (
        Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.WEBAUTHN)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        has_totp=Exists(totp),
        passkey_count=Coalesce(Subquery(passkeys, output_field=IntegerField()), 0),
    )


def mfa_status(user: User) -> str:
    """STATUS_NONE, STATUS_TOTP, STATUS_PASSKEY or STATUS_TOTP_AND_PASSKEY (label:
    STATUS_LABELS). Free for accounts from ``with_mfa_status``; otherwise one query."""
    if hasattr(user, "has_totp") and hasattr(user, "passkey_count"):
        totp, passkey = bool(user.has_totp), user.passkey_count > 0
    else:
        types = set(
            Authenticator.objects.filter(
                Q(user_id=user.pk), Q(type__in=SECOND_FACTOR_TYPES)
            ).values_list("type", flat=True)
        )
        totp, passkey = Authenticator.Type.TOTP in types, Authenticator.Type.WEBAUTHN in types
    if totp and passkey:
        return STATUS_TOTP_AND_PASSKEY
    if totp:
        return STATUS_TOTP
    if passkey:
        return STATUS_PASSKEY
    return STATUS_NONE
