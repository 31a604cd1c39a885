"""How long staff wait for a key import: 10,000 fresh keys into the bench's large organization,
through the same service the admin calls (dry run, then confirm). Target: under 20 s.

    python -m bench.key_import          (BENCH_DATABASE_URL as for `make bench`)

The import runs in a transaction that is rolled back at the end, so the bench data stays as
`make bench` filled it (the commit itself is not measured).
"""

from __future__ import annotations

import secrets
import sys
import time

from bench.run import bench_database_ready

KEYS = 10_000
TARGET_SECONDS = 20.0


def main() -> int:
    bench_database_ready()
    from django.db import transaction

    from accounts.models import User
    from bench.shape import LARGE_MPN_ID
    from benefits.licensing import KEY_ALPHABET, normalize_key
    from benefits.models import Benefit, Product
    from benefits.services.key_import import KeyRow, key_import_apply, key_import_check

    benefit = (
        Benefit.objects.filter(
            organization__mpn_id=LARGE_MPN_ID, product__kind=Product.Kind.LICENSE
        )
        .order_by("pk")
        .first()
    )
    actor = User.objects.filter(organization__mpn_id=LARGE_MPN_ID).order_by("pk").first()
    if benefit is None or actor is None:
        raise SystemExit("The bench's large organization has no license-based benefit or user.")
    # Fresh keys each run: a collision with a stored key would show as a refused row.
    rows = [
        KeyRow(
            number=line,
            key=normalize_key("".join(secrets.choice(KEY_ALPHABET) for _ in range(25))),
            licenses=5,
            benefit=benefit.pk,
        )
        for line in range(2, KEYS + 2)
    ]

    with transaction.atomic():
        started = time.perf_counter()
        checked = key_import_check(rows=rows)
        dry_run = time.perf_counter() - started
        refused = sum(not row.is_new for row in checked)
        started = time.perf_counter()
        created = key_import_apply(rows=rows, actor=actor) if not refused else []
        confirm = time.perf_counter() - started
        transaction.set_rollback(True)

    total = dry_run + confirm
    print(
        f"Key import of {KEYS:,} keys into {benefit}: dry run {dry_run:.2f} s, "
        f"confirm {confirm:.2f} s ({len(created):,} written, {refused} refused), "
        f"total {total:.2f} s (target < {TARGET_SECONDS:g} s)."
    )
    return 0 if total < TARGET_SECONDS and not refused else 1


if __name__ == "__main__":
    sys.exit(main())
