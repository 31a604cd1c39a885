"""Twelve API clients send the same redemption at the same moment (PostgreSQL).

With the same Idempotency-Key (a client retrying on twelve connections), the key is redeemed
once and all twelve get the same answer, status and body: the first request claims the key's
row before it changes anything, and the others wait on that row, then replay what it stored.
The control claims the row only after the change, as a "look first, write after" design would:
the twelve then race, and answer differently.

With twelve different keys (twelve clients), one redeems and eleven get 409 problems; nothing
fails. The same again over HTTP, through gunicorn as in production.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
from django.test import Client
from django.urls import reverse

from accounts.models import User
from benefits.api import idempotency
from benefits.models import Activity, IdempotentRequest, ProductKey
from benefits.services import redemption
from benefits.services.redemption import redeem as redeem_module
from common import ratelimit
from tests.benefits.api.conftest import bearer
from tests.benefits.live_server import start_gunicorn
from tests.conftest import run_at_once

__all__ = ["start_gunicorn"]  # the fixture, used by name

CLIENTS = 12
# Over HTTP the guess limit can't be lifted: a used key counts as a failed guess, so the other
# keys' round stays under the account's limit.
OTHER_CLIENTS = ratelimit.LIMIT - 2
KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"  # Contoso's, 25 licenses, unused
BODY = {"key": KEY, "action": "activate"}


@pytest.fixture
def redeem(postgres, demo_data, monkeypatch):
    """``redeem(index, key)`` posts BODY as Contoso's admin (one token, a client per thread),
    with a pause inside the change so every request arrives while the first is under way.

    The account's limit of key guesses is lifted: it counts a key check as a failure until its
    preview accepts it, so twelve checks in flight at once are more than its ten, and a request
    arriving after the redemption (its key used) is a failure too. Which of those trip it
    depends on timing; the limit has its own tests (test_redemptions_api)."""
    monkeypatch.setattr(ratelimit, "LIMIT", 10**6)
    apply = redeem_module._apply

    def slow_apply(preview, **kwargs):
        time.sleep(0.3)
        return apply(preview, **kwargs)

    monkeypatch.setattr(redeem_module, "_apply", slow_apply)
    headers = bearer(User.objects.get(email="admin@contoso.example"), ["redeem"])

    def post(idempotency_key: str):
        response = Client().post(
            reverse("api:redemption_create"),
            json.dumps(BODY),
            content_type="application/json",
            headers={**headers, "Idempotency-Key": idempotency_key},
        )
        return response.status_code, response.json()

    return post


def redemptions() -> int:
    return Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).count()


def test_same_key_at_once_redeems_once_and_answers_the_same_twelve_times(redeem):
    outcomes = run_at_once(CLIENTS, lambda index: redeem("retry-1"))
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert errors == []
    statuses = [status for status, _body in outcomes]
    assert statuses == [201] * CLIENTS
    assert all(outcome == outcomes[0] for outcome in outcomes)  # status and body
    assert redemptions() == 1
    assert IdempotentRequest.objects.filter(key="retry-1").count() == 1


def test_control_claiming_after_the_change_answers_differently(redeem, monkeypatch):
    """Without the claim first: each request looks for the key's row, finds none, redeems
    (one does; the others are refused), and then stores its answer — which fails for all but
    one. The twelve answers differ, and some are server errors."""

    def claim_after(request, *, key, fingerprint):
        if IdempotentRequest.objects.filter(organization=request.organization, key=key).exists():
            return None
        late = IdempotentRequest(
            organization=request.organization, key=key, fingerprint=fingerprint, status_code=0
        )
        # Saved whole when the answer is stored, after the change: the row comes last.
        late.save = lambda **kwargs: IdempotentRequest.save(late)  # type: ignore[method-assign]
        return late

    monkeypatch.setattr(idempotency, "_claim", claim_after)
    outcomes = run_at_once(CLIENTS, lambda index: redeem("retry-2"))
    answers = {json.dumps(outcome, sort_keys=True, default=str) for outcome in outcomes}
    assert len(answers) > 1
    statuses = [outcome[0] for outcome in outcomes if not isinstance(outcome, Exception)]
    assert statuses.count(201) == 1
    assert any(status >= 500 or status == 409 for status in statuses)


def test_twelve_keys_at_once_one_redeems_eleven_conflicts(redeem):
    outcomes = run_at_once(CLIENTS, lambda index: redeem(f"client-{index}"))
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert errors == []
    statuses = sorted(status for status, _body in outcomes)
    assert statuses == [201] + [409] * (CLIENTS - 1)
    conflicts = [body for status, body in outcomes if status == 409]
    assert all(body["detail"].startswith(str(redemption.KEY_USED)) for body in conflicts)
    assert all(body["type"].endswith("/conflict") for body in conflicts)
    assert redemptions() == 1


@pytest.mark.django_db(transaction=True)
def test_over_http_same_key_once_and_other_keys_conflict(start_gunicorn, demo_data, settings):
    """Through gunicorn (several processes, each its own database connection): the same key
    twelve times, then eight other keys, at once. gunicorn checks tokens with the tests'
    secret key, which their hashes are made with."""
    headers = bearer(User.objects.get(email="admin@contoso.example"), ["redeem"])
    base = start_gunicorn(DJANGO_SECRET_KEY=settings.SECRET_KEY)
    url = base + reverse("api:redemption_create")

    def post(key: str, barrier: threading.Barrier):
        barrier.wait(timeout=30)
        response = requests.post(
            url, json=BODY, headers={**headers, "Idempotency-Key": key}, timeout=60
        )
        return response.status_code, response.json()

    retries = threading.Barrier(CLIENTS)
    same = _threads(CLIENTS, lambda index: post("http-retry", retries))
    assert [status for status, _body in same] == [201] * CLIENTS
    assert all(outcome == same[0] for outcome in same)
    clients = threading.Barrier(OTHER_CLIENTS)
    others = _threads(OTHER_CLIENTS, lambda index: post(f"http-client-{index}", clients))
    assert [status for status, _body in others] == [409] * OTHER_CLIENTS  # redeemed above
    assert redemptions() == 1
    assert ProductKey.objects.get(key=KEY).redeemed_at is not None


def _threads(count: int, action) -> list:
    outcomes: list = [None] * count

    def run(index: int) -> None:
        try:
            outcomes[index] = action(index)
        except Exception as error:  # the outcome under test
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes
