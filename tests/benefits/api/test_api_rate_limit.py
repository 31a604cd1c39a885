"""At most API_REQUESTS_PER_MINUTE requests a minute per token: the next one is a 429 problem
with Retry-After (the seconds to the next minute); another token is not held back, and the
next minute the token works again. The clock is fixed so a minute can't turn mid-test."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from benefits.api import auth
from benefits.api.problems import TOO_MANY
from tests.benefits.api.conftest import bearer
from tests.conftest import url

pytestmark = pytest.mark.django_db

LIMIT = 3
MINUTE = 29_000_000 * 60  # a clock minute's start


@pytest.fixture
def clock(settings, monkeypatch):
    """The throttle's clock, 20 s into a minute; ``clock.now`` moves it."""
    settings.API_REQUESTS_PER_MINUTE = LIMIT
    clock = SimpleNamespace(now=MINUTE + 20.0)
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


def tenants(client, headers):
    return client.get(url("api:tenants_list"), headers=headers)


def test_past_the_limit_429_problem_with_retry_after(client, contoso_admin, clock):
    first, second = bearer(contoso_admin, name="first"), bearer(contoso_admin, name="second")
    assert [tenants(client, first).status_code for _ in range(LIMIT)] == [200] * LIMIT

    refused = tenants(client, first)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["Retry-After"] == "40"  # 20 s into the minute
    body = refused.json()
    assert body["status"] == 429
    assert body["detail"] == TOO_MANY % {"limit": LIMIT, "seconds": 40}

    # Another token of the same account has its own share.
    assert tenants(client, second).status_code == 200
    # Refused requests count too: hammering doesn't shorten the wait.
    assert tenants(client, first).status_code == 429

    clock.now = MINUTE + 60.0  # the next minute
    assert tenants(client, first).status_code == 200


def test_writes_count_against_the_same_limit(client, contoso_admin, clock):
    headers = bearer(contoso_admin)
    for _ in range(LIMIT):
        assert tenants(client, headers).status_code == 200
    refused = client.post(
        url("api:redemption_preview"),
        {"key": "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ", "action": "activate"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"


def test_without_a_token_the_answer_is_401_not_429(client, demo_data, clock):
    """The limit is per token: requests without one are refused for that, however many."""
    for _ in range(LIMIT + 2):
        assert tenants(client, {}).status_code == 401
