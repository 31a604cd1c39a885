"""At most 10 failures per account per 15 minutes for each guessable secret — product keys in the
wizard, the current password when changing it — counted in the shared cache (Redis in
production), so guessing is slow from any number of processes."""

from __future__ import annotations

import math
import time

from django.core.cache import cache

LIMIT = 10
WINDOW_SECONDS = 15 * 60
KEY_VALIDATION = "key-validation"
PASSWORD_CHANGE = "password-change"  # noqa: S105 - a cache key prefix, not a secret


def cache_keys(user_id: int, scope: str = KEY_VALIDATION) -> tuple[str, str]:
    return f"{scope}-failures:{user_id}", f"{scope}-window:{user_id}"


def minutes_locked(user_id: int, scope: str = KEY_VALIDATION) -> int:
    """0 when the account may try again; otherwise the minutes left, rounded up."""
    count_key, window_key = cache_keys(user_id, scope)
    if (cache.get(count_key) or 0) < LIMIT:
        return 0
    started = cache.get(window_key) or time.time()
    return max(1, math.ceil((started + WINDOW_SECONDS - time.time()) / 60))


def record_failure(user_id: int, scope: str = KEY_VALIDATION) -> None:
    count_key, window_key = cache_keys(user_id, scope)
    # The window starts at the first failure; both entries expire with it.
    if cache.add(window_key, time.time(), WINDOW_SECONDS):
        cache.set(count_key, 0, WINDOW_SECONDS)
    try:
        cache.incr(count_key)
    except ValueError:
        cache.set(count_key, 1, WINDOW_SECONDS)
