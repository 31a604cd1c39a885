"""How django-allauth fits the portal: no self-service sign-up, the client address from the
portal's trusted proxies, and mails in the recipient's language after commit."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.mfa import recently_authenticated
from common.client_address import client_address


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from staff or from a Team invitation.
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_address(request)

    # Two-step verification: an account with a second factor re-authenticates with it, never
    # with its password alone; the 15-minute window follows accounts/mfa.py.
    def get_reauthentication_methods(self, user: AbstractBaseUser | AnonymousUser) -> list[dict]:
        methods = super().get_reauthentication_methods(user)
        second_factor = [m for m in methods if m["id"].startswith("mfa_reauthenticate")]
        return second_factor or methods

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        request = allauth_context.request
        required = super().is_reauthentication_required(app=app, **kwargs)
        return required and not (request is not None and recently_authenticated(request))
