"""Django's Redis cache, keeping one client per connection pool.

Django's client builds a new ``redis.Redis`` for every command; building one (its table of reply
handlers) costs about as much as the command itself, and a page sends several (the session,
cached tables, rate limits). A client is thread-safe and holds no connection of its own, so
one per pool serves every call.
"""

from __future__ import annotations

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}  # by id() of a pool, which lives as long

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if id(pool) not in self._clients:
            self._clients[id(pool)] = self._client(connection_pool=pool)
        return self._clients[id(pool)]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
