"""Rate limits (common/ratelimit.py): an attempt is counted before it is checked, given back
when it succeeds, and refused when the counter can't be read or written (fail closed)."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache

from common import ratelimit


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


@pytest.mark.parametrize("method", ["get", "add", "incr", "set"])
def test_a_counter_that_cant_be_read_or_written_refuses_the_attempt(monkeypatch, method):
    # "add" and "incr" alone: a full noeviction Redis still reads but refuses every write.
    monkeypatch.setattr(cache, method, refuse)
    if method == "set":  # set only runs when the window starts: no counter may be missed
        monkeypatch.setattr(cache, "incr", refuse)
    with pytest.raises(ratelimit.Unavailable):
        ratelimit.attempt(1)


def test_a_success_that_cant_be_given_back_stays_counted(monkeypatch):
    ratelimit.attempt(1)
    monkeypatch.setattr(cache, "decr", refuse)
    ratelimit.succeeded(1)  # no error: the attempt simply stays a failure
    monkeypatch.undo()
    assert cache.get(ratelimit.cache_keys(1)[0]) == 1
