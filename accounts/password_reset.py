"""Password reset by a link in the mail (allauth's views), counted by the sign-in lockout.

A reset is a way into an account, so it answers to the same lockout as sign-in (django-axes,
per account and client address, SPEC 6): while an account is locked from an address, that
address can neither ask for a reset link nor use one; and a refused link (tampered, expired or
already used) counts as a failed sign-in of the account it names. Requests themselves are not
failures: they are limited to 5 an hour per address and per client address (ACCOUNT_RATE_LIMITS)
and only ever send a mail to the account's owner.
"""

from __future__ import annotations

from typing import Any

from allauth.account import views as allauth_views
from allauth.account.utils import url_str_to_user_pk
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from accounts.models import User


def _credentials(email: str) -> dict[str, str]:
    # The shape Django's authenticate() gives axes, read by accounts.backends.axes_username.
    return {"username": email}


def _locked_out(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse | None:
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    return get_lockout_response(request, credentials=credentials)


class PasswordResetView(allauth_views.PasswordResetView):
    """The same answer whether or not the address has an account (ACCOUNT_PREVENT_ENUMERATION);
    the lock is per typed address, so refusing a locked one tells nothing either."""

    def form_valid(self, form: Any) -> HttpResponse:
        locked = _locked_out(self.request, _credentials(form.cleaned_data["email"].lower()))
        return locked or super().form_valid(form)


class PasswordResetFromKeyView(allauth_views.PasswordResetFromKeyView):
    def dispatch(
        self, request: HttpRequest, uidb36: str, key: str, **kwargs: Any
    ) -> HttpResponseBase:
        account = _account(uidb36)
        if account is None:
            # No account to lock: allauth's per-address limit on this view applies.
            return super().dispatch(request, uidb36, key, **kwargs)
        credentials = _credentials(account.email)
        locked = _locked_out(request, credentials)
        if locked:
            return locked
        self.reset_user = None
        response = super().dispatch(request, uidb36, key, **kwargs)
        if self.reset_user is None:  # allauth refused the link
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
        return response


def _account(uidb36: str) -> User | None:
    try:
        return User.objects.filter(pk=url_str_to_user_pk(uidb36)).first()
    except (ValueError, OverflowError):
        return None
