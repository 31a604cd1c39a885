"""Sessions kept in the database with a copy in the cache, that stay usable when the cache is
not (``SESSION_ENGINE = "common.sessions"``, set with ``REDIS_URL``).

Django's cached_db engine reads the cache first and the database on a miss, but a cache that
can't be reached turns a sign-in, a sign-out or any page into a server error. Here every cache
call that fails counts as a miss (reads) or is skipped (writes): the database, always written
first, is the truth, so people stay signed in while Redis is down for a moment.

One risk remains: a session ended (signed out, key cycled) while the cache was unreachable
keeps its old copy in the cache, which would be read again once Redis answers. So no copy lives
longer than ``COPY_SECONDS``: that bounds the window, at the price of one database read per
active session every ``COPY_SECONDS``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

from common.redis_cache import CACHE_ERRORS, warn_unavailable

COPY_SECONDS = 15 * 60


class SessionCopies(BaseCache):
    """The session cache as cached_db uses it, where a failure is a miss or a no-op and a copy
    expires after at most ``COPY_SECONDS``. BaseCache's async methods call these."""

    def __init__(self, cache: BaseCache) -> None:
        super().__init__({})
        self._cache = cache

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return self._cache.get(key, default, version)
        except CACHE_ERRORS as error:
            warn_unavailable("Session cache", error)
            return default

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        if timeout is DEFAULT_TIMEOUT or timeout is None or timeout > COPY_SECONDS:
            timeout = COPY_SECONDS
        try:
            self._cache.set(key, value, timeout, version)
        except CACHE_ERRORS as error:
            warn_unavailable("Session cache", error)

    def has_key(self, key: str, version: int | None = None) -> bool:
        try:
            return self._cache.has_key(key, version)
        except CACHE_ERRORS as error:
            warn_unavailable("Session cache", error)
            return False  # cached_db then asks the database

    def delete(self, key: str, version: int | None = None) -> bool:
        try:
            return self._cache.delete(key, version)
        except CACHE_ERRORS as error:
            warn_unavailable("Session cache", error)
            return False

    def __repr__(self) -> str:
        return f"SessionCopies({self._cache!r})"


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache: BaseCache = SessionCopies(caches[settings.SESSION_CACHE_ALIAS])
