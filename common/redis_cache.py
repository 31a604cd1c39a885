"""Django's Redis cache, keeping one client per connection pool, and able to treat an
unreachable Redis as an empty cache.

Django's client builds a new ``redis.Redis`` for every command; building one (its table of reply
handlers) costs about as much as the command itself, and a page sends several (the session,
cached tables, rate limits). A client is thread-safe and holds no connection of its own, so
one per pool serves every call.

``OPTIONS["ignore_exceptions"] = True`` (the "pages" alias only): a command that fails with a
Redis error is a miss (reads) or does nothing (writes), so a page renders afresh instead of
failing, and a warning is logged at most once a minute per process and alias — not once per
call while every request fails. Counters (``incr``/``decr``) and ``clear()`` still raise:
nothing on a page uses them, and a counter that silently counts nothing is never wanted. The
"default" alias keeps raising: its callers (sessions, rate limits, the wizard) each decide.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache call raises when its server is unreachable, full or too slow. redis-py wraps
# socket errors in its own; OSError stays for anything raised below it.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)

# Seconds between two warnings about the same unreachable cache, in one process.
WARN_EVERY_SECONDS = 60.0
_last_warned: dict[str, float] = {}
_warn_lock = threading.Lock()


def warn_unavailable(what: str, error: BaseException) -> None:
    """Log that ``what`` (a cache's name) failed, unless this process said so less than
    ``WARN_EVERY_SECONDS`` ago: during an outage every request fails the same way."""
    now = time.monotonic()
    with _warn_lock:
        last = _last_warned.get(what)
        if last is not None and now - last < WARN_EVERY_SECONDS:
            return
        _last_warned[what] = now
    logger.warning(
        "%s unavailable (%s: %s); carrying on without it", what, type(error).__name__, error
    )


# INCRBY only if the key exists, in one step (a counter that expired is not created again).
INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}  # by id() of a pool, which lives as long
        self._incr_scripts: dict[int, Any] = {}  # by id() of a client, which lives as long

    def incr(self, key, delta):
        """Django's sends EXISTS then INCRBY: two round trips for every counter change (rate
        limits count each key guess and each API request), and a key that expires between
        them comes back as a counter without expiry. A server-side script does both at once
        (EVALSHA, the script sent once per connection pool)."""
        client = self.get_client(key, write=True)
        if id(client) not in self._incr_scripts:
            self._incr_scripts[id(client)] = client.register_script(INCR_EXISTING)
        value = self._incr_scripts[id(client)](keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    # django-stubs describe only the public side of Django's client: its pool and client class
    # are private attributes, hence the ignores.
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        if id(pool) not in self._clients:
            self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return self._clients[id(pool)]


F = TypeVar("F", bound=Callable[..., Any])


def _or(fallback: Callable[..., Any]) -> Callable[[F], F]:
    """The method answers ``fallback(*args, **kwargs)`` instead of raising a cache error when
    the cache was configured with ``ignore_exceptions``."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def guarded(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            if not self.ignore_exceptions:
                return method(self, *args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except CACHE_ERRORS as error:
                warn_unavailable(self.name, error)
                return fallback(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _empty(*args: Any, **kwargs: Any) -> dict:
    return {}


def _all_failed(data: dict, *args: Any, **kwargs: Any) -> list:
    return list(data)  # set_many's answer: the keys it could not store


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.ignore_exceptions = bool(options.pop("ignore_exceptions", False))
        # The name the warnings give: the alias's role, else where it points.
        self.name = str(options.pop("name", f"Redis cache at {server}"))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient

    def ping(self) -> bool:
        """True when the server answers; raises a cache error otherwise, whatever
        ``ignore_exceptions`` says (the health check needs the truth)."""
        client = self._cache.get_client(write=True)  # type: ignore[attr-defined]
        return bool(client.ping())

    @_or(_default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_or(_false)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_or(_nothing)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_or(_false)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_or(_false)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_or(_empty)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_or(_false)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_or(_all_failed)
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_or(_nothing)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)
