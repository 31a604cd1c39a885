"""The benchmark data, built in memory with ids chosen up front so that references need no
round trip, then written table by table with COPY (bench/bulk.py)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import DirectoryUser, Organization, Role, Tenant, User
from bench.bulk import Progress, Rows
from bench.catalogue import (
    COUNTRIES,
    FIRST_NAMES,
    KEY_SIZES,
    LAST_NAMES,
    LICENSE_PRODUCTS,
    TENANT_NAMESPACE,
    USAGE_PRODUCTS,
)
from bench.shape import ADMIN_EMAIL, ADMIN_PASSWORD, LARGE_MPN_ID, LARGE_NAME, SHAPE
from benefits.licensing import KEY_ALPHABET, KEY_GROUP_SIZE, KEY_LENGTH
from benefits.models import (
    Activity,
    Benefit,
    BenefitType,
    CreditAssignment,
    Offer,
    Product,
    ProductKey,
    Subscription,
)

# --- The data ---------------------------------------------------------------------------------


class Builder:
    """Builds every row in memory (ids known up front), then writes them table by table."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.now = timezone.now()
        # Seeded, so every fill is the same data.
        self.random = random.Random(20240601)  # noqa: S311 - not a secret
        self.used_keys: set[str] = set()
        self.password = make_password(ADMIN_PASSWORD)
        self.organizations = Rows(Organization, "id name mpn_id country currency")
        self.tenants = Rows(
            Tenant, "id organization_id display_name primary_domain tenant_id is_primary"
        )
        self.people = Rows(
            DirectoryUser,
            "id tenant_id display_name user_principal_name kind is_enabled other_offers",
        )
        self.accounts = Rows(
            User,
            "id password is_superuser first_name last_name is_staff is_active date_joined email "
            "organization_id roles",
        )
        self.products = Rows(Product, "id name kind")
        self.benefits = Rows(
            Benefit,
            "id organization_id product_id offer benefit_type quantity expiration_date "
            "credit_amount credit_period currency",
        )
        self.subscriptions = Rows(Subscription, "id tenant_id product_id seats start_date end_date")
        self.keys = Rows(
            ProductKey, "id benefit_id key licenses redeemed_at redeemed_by_id redeemed_into_id"
        )
        self.assignments = Rows(
            CreditAssignment, "id benefit_id directory_user_id assigned_at assigned_by_id"
        )
        self.activities = Rows(
            Activity,
            "id organization_id created_at actor_id actor_email kind benefit_id subscription_id "
            "product_key_id directory_user_id before after",
        )
        # Lookups for snapshots: product names, people, tenants' domains.
        self.product_name: dict[int, str] = {}
        self.product_credit: dict[int, tuple[Decimal, str]] = {}
        self.person: dict[int, tuple[str, str, int]] = {}
        self.domain: dict[int, str] = {}

    # -- catalogue --

    def build_products(self) -> tuple[list[int], list[int]]:
        usage, license_ = [], []
        for name, amount, period in USAGE_PRODUCTS:
            pk = self.products.add(self.products.next_id, name, Product.Kind.USAGE)
            self.product_name[pk], self.product_credit[pk] = name, (amount, period)
            usage.append(pk)
        for name in LICENSE_PRODUCTS:
            pk = self.products.add(self.products.next_id, name, Product.Kind.LICENSE)
            self.product_name[pk] = name
            license_.append(pk)
        return usage, license_

    # -- one organization --

    def build_organization(
        self,
        *,
        name: str,
        mpn_id: str,
        slug: str,
        tenants: int,
        benefits: int,
        usage_benefits: int,
        keys: int,
        people: int,
        subscriptions: int,
        redeemed_keys: int,
        holders_per_credit: int,
        activities: int,
        admin_email: str,
        products: tuple[list[int], list[int]],
    ) -> int:
        country, currency = COUNTRIES[int(mpn_id) % len(COUNTRIES)]
        org = self.organizations.add(self.organizations.next_id, name, mpn_id, country, currency)
        tenant_ids = []
        for index in range(tenants):
            suffix = "" if index == 0 else f"{index + 1}"
            domain = f"{slug}{suffix}.onmicrosoft.com"
            pk = self.tenants.add(
                self.tenants.next_id,
                org,
                f"{name}{' ' + suffix if suffix else ''}",
                domain,
                uuid.uuid5(TENANT_NAMESPACE, domain),
                index == 0,
            )
            self.domain[pk] = domain
            tenant_ids.append(pk)
        admin = self.accounts.add(
            self.accounts.next_id,
            self.password,
            False,
            "Bench",
            "Admin",
            False,
            True,
            self.now,
            admin_email,
            org,
            json.dumps([Role.GLOBAL_ADMIN.value]),
        )
        person_ids = [self._person(tenant_ids, slug, n) for n in range(people)]
        usage_ids, license_ids = self._benefits(org, currency, benefits, usage_benefits, products)
        subscription_ids = self._subscriptions(tenant_ids, license_ids, subscriptions)
        redeemed = self._keys(license_ids, keys, redeemed_keys, subscription_ids, admin)
        holders = self._holders(usage_ids, person_ids, holders_per_credit, admin)
        self._activity(
            org, admin, admin_email, activities, redeemed, holders, usage_ids, person_ids
        )
        return org

    def _person(self, tenant_ids: list[int], slug: str, n: int) -> int:
        first = self.random.choice(FIRST_NAMES)
        last = self.random.choice(LAST_NAMES)
        # Three in four people in the primary tenant; a few guests from other companies.
        others = tenant_ids[1:] or tenant_ids
        tenant = tenant_ids[0] if n % 4 else others[(n // 4) % len(others)]
        guest = n % 10 == 9
        domain = f"{slug}-guest.example" if guest else self.domain[tenant]
        upn = f"{first}.{last}{n}@{domain}".lower()
        enabled = n % 20 != 7
        offers = ["azure_pass"] if n % 25 == 3 else []
        pk = self.people.add(
            self.people.next_id,
            tenant,
            f"{first} {last}",
            upn,
            DirectoryUser.Kind.GUEST if guest else DirectoryUser.Kind.MEMBER,
            enabled,
            json.dumps(offers),
        )
        self.person[pk] = (f"{first} {last}", upn, tenant)
        return pk

    def _benefits(self, org, currency, count, usage_count, products):
        usage_products, license_products = products
        usage_ids, license_ids = [], []
        for index in range(count):
            is_usage = index < usage_count
            pool = usage_products if is_usage else license_products
            product = pool[(index + org) % len(pool)]
            offer = Offer.values[index % len(Offer.values)]
            benefit_type = BenefitType.values[(index // 3) % len(BenefitType.values)]
            # Mostly current; some expire within 30 days, some have expired.
            spread = index % 10
            if spread == 0:
                expires = self.today - timedelta(days=1 + self.random.randrange(300))
            elif spread == 1:
                expires = self.today + timedelta(days=self.random.randrange(31))
            else:
                expires = self.today + timedelta(days=60 + self.random.randrange(660))
            if is_usage:
                amount, period = self.product_credit[product]
                values = (self.random.randrange(5, 60), amount, period, currency)
            else:
                # The quantity of a license-based benefit is the sum of its keys' licenses,
                # filled in once the keys are made.
                values = (1, None, "", "")
            pk = self.benefits.add(
                self.benefits.next_id,
                org,
                product,
                offer,
                benefit_type,
                values[0],
                expires,
                *values[1:],
            )
            (usage_ids if is_usage else license_ids).append((pk, product, expires))
        return usage_ids, license_ids

    def _subscriptions(self, tenant_ids, license_ids, count):
        made = []
        for index in range(count):
            _benefit, product, _expires = license_ids[index % len(license_ids)]
            tenant = tenant_ids[index % len(tenant_ids)]
            # Most are Active, with 2 to 30 months left; every tenth has ended recently. All
            # started in the past.
            if index % 10 == 5:
                end = self.today - timedelta(days=1 + self.random.randrange(100))
                start = end - timedelta(days=365 + self.random.randrange(365))
            else:
                end = self.today + timedelta(days=60 + self.random.randrange(840))
                start = self.today - timedelta(days=30 + self.random.randrange(670))
            seats = self.random.choice([10, 25, 50, 100, 250, 500])
            pk = self.subscriptions.add(
                self.subscriptions.next_id, tenant, product, seats, start, end
            )
            made.append((pk, product, tenant, seats, end))
        return made

    def _keys(self, license_ids, count, redeemed_count, subscriptions, admin):
        by_product = {}
        for subscription in subscriptions:
            by_product.setdefault(subscription[1], subscription)
        totals: dict[int, int] = {}
        redeemed = []
        for index in range(count):
            benefit, product, _expires = license_ids[index % len(license_ids)]
            licenses = self.random.choice(KEY_SIZES)
            totals[benefit] = totals.get(benefit, 0) + licenses
            target = by_product.get(product)
            pk = self.keys.next_id
            if target is not None and len(redeemed) < redeemed_count and index % 9 == 4:
                when = self.now - timedelta(days=1 + self.random.randrange(700))
                self.keys.add(pk, benefit, self._new_key(), licenses, when, admin, target[0])
                redeemed.append((pk, benefit, product, target, licenses, when))
            else:
                self.keys.add(pk, benefit, self._new_key(), licenses, None, None, None)
        quantity = self.benefits.fields.index("quantity")
        for benefit, total in totals.items():
            # Ids are row positions plus one.
            row = self.benefits.rows[benefit - 1]
            self.benefits.rows[benefit - 1] = (*row[:quantity], total, *row[quantity + 1 :])
        return redeemed

    def _new_key(self) -> str:
        while True:
            compact = "".join(self.random.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
            if compact not in self.used_keys:
                self.used_keys.add(compact)
                return "-".join(
                    compact[i : i + KEY_GROUP_SIZE] for i in range(0, KEY_LENGTH, KEY_GROUP_SIZE)
                )

    def _holders(self, usage_ids, person_ids, per_credit, admin):
        # Enabled members without another Azure offer, one credit each at most.
        eligible = [
            pk
            for pk in person_ids
            if self.people.rows[pk - 1][5] and self.people.rows[pk - 1][6] == "[]"
        ]
        holders = []
        position = 0
        for benefit, _product, _expires in usage_ids:
            for _ in range(per_credit):
                if position >= len(eligible):
                    return holders
                person = eligible[position]
                position += 1
                when = self.now - timedelta(days=self.random.randrange(400))
                self.assignments.add(self.assignments.next_id, benefit, person, when, admin)
                holders.append((benefit, person))
        return holders

    def _activity(self, org, admin, email, count, redeemed, holders, usage_ids, person_ids):
        for key, benefit, product, target, licenses, when in redeemed:
            subscription, _product, tenant, seats, end = target
            name = self.product_name[product]
            masked = "…-" + self.keys.rows[key - 1][2][-KEY_GROUP_SIZE:]
            self.activities.add(
                self.activities.next_id,
                org,
                when,
                admin,
                email,
                Activity.Kind.KEY_REDEEMED,
                benefit,
                subscription,
                key,
                None,
                json.dumps(
                    {
                        "product": name,
                        "key": masked,
                        "action": "add",
                        "seats": seats,
                        "end": str(end),
                    }
                ),
                json.dumps(
                    {
                        "product": name,
                        "key": masked,
                        "tenant": self.domain[tenant],
                        "seats": seats + licenses,
                        "end": str(end),
                        "months": "12",
                    }
                ),
            )
        kinds = [
            Activity.Kind.CREDIT_ASSIGNED,
            Activity.Kind.CREDIT_ASSIGNED,
            Activity.Kind.CREDIT_REMOVED,
            Activity.Kind.CREDIT_TRANSFERRED,
        ]
        for index in range(max(count - len(redeemed), 0)):
            if not usage_ids:
                break
            benefit, product, _expires = usage_ids[index % len(usage_ids)]
            kind = kinds[index % len(kinds)]
            person = person_ids[self.random.randrange(len(person_ids))]
            other = person_ids[self.random.randrange(len(person_ids))]
            holder = {"holder": self._snapshot(person)}
            before = {} if kind == Activity.Kind.CREDIT_ASSIGNED else holder
            after = {
                Activity.Kind.CREDIT_ASSIGNED: holder,
                Activity.Kind.CREDIT_REMOVED: {},
                Activity.Kind.CREDIT_TRANSFERRED: {"holder": self._snapshot(other)},
            }[kind]
            name = self.product_name[product]
            when = datetime.combine(
                self.today - timedelta(days=self.random.randrange(1000)),
                time(hour=self.random.randrange(24), minute=self.random.randrange(60)),
                tzinfo=timezone.get_current_timezone(),
            )
            self.activities.add(
                self.activities.next_id,
                org,
                when,
                admin,
                email,
                kind,
                benefit,
                None,
                None,
                other if kind == Activity.Kind.CREDIT_TRANSFERRED else person,
                json.dumps({"product": name, **before}),
                json.dumps({"product": name, **after}),
            )

    def _snapshot(self, person: int) -> dict[str, str]:
        name, upn, tenant = self.person[person]
        return {"name": name, "upn": upn, "tenant": self.domain[tenant]}

    # -- writing --

    def tables(self) -> Iterable[tuple[Rows, str]]:
        yield self.organizations, "organizations"
        yield self.tenants, "tenants"
        yield self.accounts, "accounts"
        yield self.products, "products"
        yield self.benefits, "benefits"
        yield self.subscriptions, "subscriptions"
        yield self.keys, "product keys"
        yield self.people, "directory users"
        yield self.assignments, "credit holders"
        yield self.activities, "activity records"


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
