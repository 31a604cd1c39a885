"""Fixtures of the API's tests: tokens for the demo's accounts, and a client that sends them."""

from __future__ import annotations

import pytest

from accounts.api_tokens import api_token_create
from accounts.models import Scope, User

ALL_SCOPES = [Scope.READ, Scope.KEYS, Scope.CREDITS, Scope.REDEEM]


def bearer(account: User, scopes: list[str] | None = None, name: str = "tests") -> dict:
    """Headers that authenticate as a new token of ``account``."""
    _token, secret = api_token_create(
        account=account,
        name=name,
        scopes=[str(scope) for scope in (scopes or ALL_SCOPES)],
        expires_days=None,
        actor=None,
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def contoso_api(client, contoso_admin):
    """A test client whose every request carries a token of Contoso's admin (all scopes)."""
    headers = bearer(contoso_admin)
    client.defaults.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return client
