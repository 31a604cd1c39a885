"""Fixtures of the API's tests: tokens for the demo's accounts, a client that sends them, and how
the OpenAPI tests send their cases (``api_call``)."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from accounts.api_tokens import api_token_create
from accounts.models import Scope, User
from common import ratelimit

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


@pytest.fixture
def api_call(contoso_admin, settings, monkeypatch):
    """How each case is sent: the token, and a WSGI handler built under the tests' settings.
    Key guesses are not limited here (test_redemptions_api checks the limit): every unknown
    key would otherwise turn the rest of the run into 429s. As Django's test client does, the
    handler doesn't close the database connection around each request: it holds the test's
    transaction."""
    monkeypatch.setattr(ratelimit, "LIMIT", 10**6)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    from tests.benefits.api.schema_cases import APP  # builds the schema: only when used

    APP.handler = WSGIHandler()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"headers": bearer(contoso_admin, ["read", "credits", "redeem"])}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
