"""Fixtures of the redemption wizard's tests, which use them with
``pytest.mark.usefixtures("each_state_store", "fresh_rate_limit")``."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(params=["session", "cache"])
def each_state_store(request, settings):
    """The test runs with the wizard state in the session and in the shared cache."""
    settings.REDEEM_STATE_STORE = request.param


@pytest.fixture
def fresh_rate_limit():
    """No failed key checks left over from another test, none left for the next."""
    cache.clear()
    yield
    cache.clear()
