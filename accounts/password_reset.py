"""Password reset by a link in the mail (allauth's views), counted by the sign-in lockout.

A reset is a way into an account, so it answers to the same lockout as sign-in (django-axes,
per account and client address, SPEC 6): while an account is locked from an address, that
address can neither ask for a reset link nor use one; and a refused link (tampered, expired or
already used) counts as a failed sign-in of the account it names. Requests themselves are not
failures: they are limited to 5 an hour per address and per client address (ACCOUNT_RATE_LIMITS)
and only ever send a mail to the account's owner.

A working link is never a failure, however often it is opened (mail scanners open links before
people do), and its key reaches no log: allauth moves the key into the session and redirects
to an address without it, where the lockout is checked. Refused links are reported to the
lockout at that same key-free address.
"""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings
from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from allauth.account.forms import UserTokenForm
from allauth.account.utils import url_str_to_user_pk
from allauth.account.views._password_reset import INTERNAL_RESET_SESSION_KEY
from allauth.utils import get_form_class
from axes.helpers import get_lockout_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse

from accounts import lockout
from accounts.models import User


def _locked_out(request: HttpRequest, email: str) -> HttpResponse | None:
    if lockout.lockout_allows(request, email):
        return None
    return get_lockout_response(request, credentials=lockout.credentials(email))


class PasswordResetView(allauth_views.PasswordResetView):
    """The same answer whether or not the address has an account (ACCOUNT_PREVENT_ENUMERATION);
    the lock is per typed address, so refusing a locked one tells nothing either."""

    def form_valid(self, form: Any) -> HttpResponse:
        locked = _locked_out(self.request, form.cleaned_data["email"].lower())
        return locked or super().form_valid(form)


class PasswordResetFromKeyView(allauth_views.PasswordResetFromKeyView):
    def dispatch(
        self, request: HttpRequest, uidb36: str, key: str, **kwargs: Any
    ) -> HttpResponseBase:
        account = _account(uidb36)
        if account is None:
            # No account to lock: allauth's per-address limit on this view applies.
            return super().dispatch(request, uidb36, key, **kwargs)
        key_in_address = key != self.reset_url_key and not get_adapter().is_ajax(request)
        checked = key if key_in_address else request.session.get(INTERNAL_RESET_SESSION_KEY, "")
        works = _key_works(uidb36, checked)
        if works and key_in_address:
            # allauth keeps the key in the session and redirects to the key-free address: the
            # lockout is checked there, so no answer (nor log line) here names the key.
            return super().dispatch(request, uidb36, key, **kwargs)
        locked = _locked_out(request, account.email)
        if locked:
            return locked
        response = super().dispatch(request, uidb36, key, **kwargs)
        if not works:  # allauth refused the link
            key_free = reverse(
                "account_reset_password_from_key",
                kwargs={"uidb36": uidb36, "key": self.reset_url_key},
            )
            lockout.failure_counted(request, email=account.email, path=key_free, sender=type(self))
        return response


def _key_works(uidb36: str, key: str) -> bool:
    """allauth's own check of a reset link (the form its view uses)."""
    form_class = get_form_class(app_settings.FORMS, "user_token", UserTokenForm)
    return bool(form_class(data={"uidb36": uidb36, "key": key}).is_valid())


def _account(uidb36: str) -> User | None:
    try:
        return User.objects.filter(pk=url_str_to_user_pk(uidb36)).first()
    except (ValueError, OverflowError):
        return None
