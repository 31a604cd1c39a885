"""Rate limits (common/ratelimit.py): an attempt is counted before it is checked, given back
when it succeeds, and refused when the counter can't be read or written (fail closed)."""

from __future__ import annotations

import threading

import pytest
import redis
from django.core.cache import cache, caches

from common import ratelimit
from tests.conftest import run_at_once


def test_ten_failures_lock_and_successes_do_not_count():
    for _ in range(5):
        assert ratelimit.attempt(1) == 0
        ratelimit.succeeded(1)
    for _ in range(ratelimit.LIMIT):
        assert ratelimit.attempt(1) == 0
    assert ratelimit.attempt(1) == 15
    assert ratelimit.attempt(2) == 0  # another account counts alone
    assert ratelimit.attempt(1, ratelimit.PASSWORD_CHANGE) == 0  # and another secret


def refuse(*args, **kwargs):
    raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:9. Connection refused.")


@pytest.mark.parametrize("method", ["add", "incr"])
def test_a_counter_that_cant_be_written_refuses_the_attempt(monkeypatch, method):
    # Each alone: a full noeviction Redis still reads but refuses every write.
    monkeypatch.setattr(cache, method, refuse)
    with pytest.raises(ratelimit.Unavailable):
        ratelimit.attempt(1)


@pytest.mark.parametrize("method", ["get", "decr"])
def test_a_locked_account_whose_counter_fails_is_still_refused(monkeypatch, method):
    for _ in range(ratelimit.LIMIT):
        ratelimit.attempt(1)
    monkeypatch.setattr(cache, method, refuse)
    with pytest.raises(ratelimit.Unavailable):
        ratelimit.attempt(1)


def test_attempts_at_the_same_moment_let_no_more_than_the_limit_through(monkeypatch):
    """Every attempt reads its count from the step that adds it. A read of the count before
    adding to it lets attempts made together all see the same number: the reads of the count
    wait here until every attempt has made one, if the code makes any."""
    attempts = ratelimit.LIMIT + 5
    count_key = ratelimit.cache_keys(1)[0]
    everyone_read = threading.Barrier(attempts, timeout=5)
    backend = type(caches["default"])  # patched on the class: each thread has its instance
    read = backend.get

    def get(self, key, *args, **kwargs):
        value = read(self, key, *args, **kwargs)
        if key == count_key:
            everyone_read.wait()
        return value

    monkeypatch.setattr(backend, "get", get)
    outcomes = run_at_once(attempts, lambda index: ratelimit.attempt(1))
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert sorted(outcomes) == [0] * ratelimit.LIMIT + [15] * 5
    monkeypatch.undo()
    assert cache.get(count_key) == ratelimit.LIMIT  # the refused ones were not counted


def test_a_success_that_cant_be_given_back_stays_counted(monkeypatch):
    ratelimit.attempt(1)
    monkeypatch.setattr(cache, "decr", refuse)
    ratelimit.succeeded(1)  # no error: the attempt simply stays a failure
    monkeypatch.undo()
    assert cache.get(ratelimit.cache_keys(1)[0]) == 1
