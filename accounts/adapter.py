"""How django-allauth fits the portal: no self-service sign-up, the client address from the
portal's trusted proxies, and mails in the recipient's language after commit."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from common.client_address import client_address


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from staff or from a Team invitation.
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_address(request)
