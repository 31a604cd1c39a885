"""Fill the benchmark database: 1,000 organizations of everyday size and one large one.

Rows are written with PostgreSQL's COPY (psycopg 3), ids chosen here so that references need
no round trip: about half a million rows take seconds. The data follows every rule the models
and the database enforce (one primary tenant per organization, canonical product keys, a
redeemed key names its subscription and has exactly one redemption record, and so on).

A marker table remembers the shape that was filled and the day it was filled on; a later run
with the same shape reuses the data. Dates are relative to the fill day, so data older than
REFILL_AFTER_DAYS is filled again.
"""

from __future__ import annotations

import sys

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import DirectoryUser, Organization, Tenant, User
from bench.builder import build
from bench.bulk import copy_rows
from bench.shape import REFILL_AFTER_DAYS, shape_fingerprint
from benefits.models import (
    Activity,
    Benefit,
    CreditAssignment,
    Product,
    ProductKey,
    Subscription,
)

MARKER_TABLE = "bench_shape"

# --- Entry point ------------------------------------------------------------------------------

FILLED_MODELS = [
    Organization,
    Tenant,
    User,
    Product,
    Benefit,
    Subscription,
    ProductKey,
    DirectoryUser,
    CreditAssignment,
    Activity,
]


def ensure_filled() -> bool:
    """Fill the database unless it already holds data of this shape, filled recently.
    Returns True when it filled."""
    name = connection.settings_dict["NAME"]
    if not name.endswith("_bench"):
        # Filling empties every table first: never in a database that isn't the bench's own.
        raise SystemExit(f"The bench database's name must end in _bench, not {name!r}.")
    today = timezone.localdate()
    fingerprint = shape_fingerprint()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(fingerprint text NOT NULL, filled_on date NOT NULL)"
        )
        cursor.execute(f"SELECT fingerprint, filled_on FROM {MARKER_TABLE}")  # noqa: S608
        marker = cursor.fetchone()
    if marker and marker[0] == fingerprint and (today - marker[1]).days < REFILL_AFTER_DAYS:
        print(f"Bench data: reused (shape {fingerprint}, filled on {marker[1]}).", file=sys.stderr)
        return False
    print("Bench data: filling (1,000 organizations and one large one)…", file=sys.stderr)
    builder = build(today)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in FILLED_MODELS)
    with transaction.atomic(), connection.cursor() as cursor:
        # Sessions and sign-in records of earlier runs point at accounts that are gone.
        cursor.execute(f"TRUNCATE {tables}, django_session RESTART IDENTITY CASCADE")
        for table, label in builder.tables():
            copy_rows(table, label)
        for statement in connection.ops.sequence_reset_sql(no_style(), FILLED_MODELS):
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s)",  # noqa: S608
            [fingerprint, today],
        )
    with connection.cursor() as cursor:
        # As autovacuum would have by now: counts can then read the indexes alone.
        cursor.execute("VACUUM ANALYZE")
    return True
