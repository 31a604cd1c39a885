"""At most 10 failed key validations per account per 15 minutes, counted in the shared cache
(Redis in production), so guessing keys is slow from any number of processes."""

from __future__ import annotations

import math
import time

from django.core.cache import cache

LIMIT = 10
WINDOW_SECONDS = 15 * 60


def _keys(user_id: int) -> tuple[str, str]:
    return f"key-validation-failures:{user_id}", f"key-validation-window:{user_id}"


def minutes_locked(user_id: int) -> int:
    """0 when the account may validate a key; otherwise the minutes left, rounded up."""
    count_key, window_key = _keys(user_id)
    if (cache.get(count_key) or 0) < LIMIT:
        return 0
    started = cache.get(window_key) or time.time()
    return max(1, math.ceil((started + WINDOW_SECONDS - time.time()) / 60))


def record_failure(user_id: int) -> None:
    count_key, window_key = _keys(user_id)
    # The window starts at the first failure; both entries expire with it.
    if cache.add(window_key, time.time(), WINDOW_SECONDS):
        cache.set(count_key, 0, WINDOW_SECONDS)
    try:
        cache.incr(count_key)
    except ValueError:
        cache.set(count_key, 1, WINDOW_SECONDS)
