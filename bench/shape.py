"""How much data the benchmark fills, and the account the load runs as."""

from __future__ import annotations

import hashlib
import json
from typing import TypedDict


class OrganizationShape(TypedDict):
    benefits: int
    keys: int
    directory_users: int
    subscriptions: int


class LargeShape(OrganizationShape):
    activities: int


class Shape(TypedDict):
    version: int
    organizations: int
    each: OrganizationShape
    large: LargeShape


SHAPE: Shape = {
    "version": 3,  # raise it when the data changes without changing size, to fill again
    "organizations": 1000,
    "each": {"benefits": 20, "keys": 100, "directory_users": 200, "subscriptions": 10},
    "large": {
        "benefits": 500,
        "keys": 5000,
        "directory_users": 20000,
        "subscriptions": 200,
        "activities": 100000,
    },
}
REFILL_AFTER_DAYS = 30

ADMIN_EMAIL = "admin@bench.example"
ADMIN_PASSWORD = "bench-partner-password"  # noqa: S105 - the documented bench account
LARGE_NAME = "Northwind Cloud Partners"
LARGE_MPN_ID = "1999999"


def shape_fingerprint() -> str:
    return hashlib.sha256(json.dumps(SHAPE, sort_keys=True).encode()).hexdigest()[:16]
