"""The benchmark data, built in memory with ids chosen up front so that references need no
round trip, then written table by table with COPY (bench/bulk.py).

- ``dataset``: the rows of each table and the lookups snapshots need;
- ``organizations``: one organization's rows (tenants, people, benefits, keys…);
- ``history``: its activity log.
"""

from __future__ import annotations

from datetime import date

from bench.builder.organizations import Builder
from bench.bulk import Progress
from bench.shape import ADMIN_EMAIL, LARGE_MPN_ID, LARGE_NAME, SHAPE

__all__ = ["Builder", "build"]


def build(today: date) -> Builder:
    builder = Builder(today)
    products = builder.build_products()
    each = SHAPE["each"]
    progress = Progress("generating", SHAPE["organizations"] + 1)
    for number in range(1, SHAPE["organizations"] + 1):
        builder.build_organization(
            name=f"Partner {number:04d}",
            mpn_id=f"{2000000 + number:07d}",
            slug=f"partner{number:04d}",
            tenants=2,
            benefits=each["benefits"],
            usage_benefits=2,
            keys=each["keys"],
            people=each["directory_users"],
            subscriptions=each["subscriptions"],
            redeemed_keys=0,
            holders_per_credit=2,
            activities=0,
            admin_email=f"admin@partner{number:04d}.example",
            products=products,
        )
        progress.advance()
    large = SHAPE["large"]
    builder.build_organization(
        name=LARGE_NAME,
        mpn_id=LARGE_MPN_ID,
        slug="northwind",
        tenants=4,
        benefits=large["benefits"],
        usage_benefits=50,
        keys=large["keys"],
        people=large["directory_users"],
        subscriptions=large["subscriptions"],
        redeemed_keys=500,
        holders_per_credit=10,
        activities=large["activities"],
        admin_email=ADMIN_EMAIL,
        products=products,
    )
    progress.advance()
    return builder
