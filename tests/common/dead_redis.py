"""Production's cache settings pointed at a Redis that never answers (a port where nothing
listens), with short timeouts so that each failed call costs a quarter of a second at most."""

from __future__ import annotations

DEAD_REDIS = "redis://127.0.0.1:9/0"


def dead_caches() -> dict:
    """CACHES as production sets them, both on the dead Redis."""
    timeouts = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
    return {
        "default": {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": timeouts,
        },
        "pages": {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {**timeouts, "ignore_exceptions": True, "name": "Page cache"},
        },
    }
