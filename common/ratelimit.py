"""At most 10 failures per account per 15 minutes for each guessable secret — product keys in the
wizard, the current password when changing it — counted in the shared cache (Redis in
production, the "default" alias that must never evict), so guessing is slow from any number of
processes.

An attempt is counted *before* the secret is checked (``attempt``) and given back when it
succeeds (``succeeded``): so a counter that can't be written refuses the guess rather than let it
through uncounted, and parallel guesses can't slip past the limit between a check and a count.
When the counter can't be read or written (Redis down, or full and refusing writes) ``attempt``
raises ``Unavailable``: the caller refuses the guess with ``PAUSED_MESSAGE`` — fail closed,
never an unlimited guess, never a server error.
"""

from __future__ import annotations

import contextlib
import math
import time

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from common.redis_cache import CACHE_ERRORS, warn_unavailable

LIMIT = 10
WINDOW_SECONDS = 15 * 60
KEY_VALIDATION = "key-validation"
PASSWORD_CHANGE = "password-change"  # noqa: S105 - a cache key prefix, not a secret
# Invitation links tried from one client address (the key is the address, not an account).
INVITATION_LINK = "invitation-link"

PAUSED_MESSAGES = {
    KEY_VALIDATION: _(
        "Key checks are paused for a moment. Nothing was redeemed. Try again in a few minutes."
    ),
    PASSWORD_CHANGE: _(
        "Password changes are paused for a moment. Your password is unchanged. "
        "Try again in a few minutes."
    ),
    INVITATION_LINK: _(
        "Invitation links can't be checked for a moment. Try again in a few minutes."
    ),
}


class Unavailable(Exception):
    """The counter could not be read or written: the attempt must be refused."""


def cache_keys(user_id: int | str, scope: str = KEY_VALIDATION) -> tuple[str, str]:
    return f"{scope}-failures:{user_id}", f"{scope}-window:{user_id}"


def attempt(user_id: int | str, scope: str = KEY_VALIDATION) -> int:
    """Counts an attempt as a failure until ``succeeded`` says otherwise. 0 when the account
    may try; otherwise the minutes left, rounded up (the attempt is then not counted).
    Raises ``Unavailable`` when the counter can't be read or written.

    Counted first, then compared: the count comes back from the same atomic step that adds to
    it, so attempts made at the same moment each get a count of their own and no more than
    ``LIMIT`` pass in a window (a read before the count would let them all see the same
    number). One cache command while the window is open. It relies on the cache's ``incr``
    being atomic and keeping the expiry: Django's memory cache and ``common.redis_cache`` are;
    Django's own Redis, database and file caches are not."""
    count_key, window_key = cache_keys(user_id, scope)
    try:
        # With no window open, this failure opens one: both entries expire with it.
        count = counted(count_key, WINDOW_SECONDS, opening={window_key: time.time()})
        if count > LIMIT:
            _give_back(count_key)  # refused, so not an attempt
            started = cache.get(window_key) or time.time()
            return max(1, math.ceil((started + WINDOW_SECONDS - time.time()) / 60))
    except CACHE_ERRORS as error:
        warn_unavailable("Rate-limit counters", error)
        raise Unavailable from error
    return 0


def counted(key: str, timeout: int, *, opening: dict[str, object] | None = None) -> int:
    """Adds one to the counter ``key`` and returns its new value, from the same atomic step
    (one cache command while it exists). A missing counter starts at 1 and expires ``timeout``
    seconds later, and so do the ``opening`` entries added with it (unless already there). Two
    requests starting it at once: one adds it, the other counts on from it. Raises ValueError
    in the rare case that the counter expires between those two steps."""
    try:
        return cache.incr(key)
    except ValueError:
        for entry, value in (opening or {}).items():
            cache.add(entry, value, timeout)
        return 1 if cache.add(key, 1, timeout) else cache.incr(key)


def succeeded(user_id: int | str, scope: str = KEY_VALIDATION) -> None:
    """The attempt just counted was right: it is not a failure. If the counter can't be
    reached it stays counted, the safe side."""
    count_key, _window_key = cache_keys(user_id, scope)
    try:
        _give_back(count_key)
    except CACHE_ERRORS as error:
        warn_unavailable("Rate-limit counters", error)


def _give_back(count_key: str) -> None:
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
        cache.decr(count_key)
