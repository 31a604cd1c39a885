"""One organization's rows at a time: its tenants, people, benefits, subscriptions, product
keys, credit holders and activity, in sizes chosen by the caller, and the product catalogue."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from accounts.models import DirectoryUser, Role
from bench.builder.dataset import Dataset
from bench.builder.history import activity_records
from bench.catalogue import (
    COUNTRIES,
    FIRST_NAMES,
    KEY_SIZES,
    LAST_NAMES,
    LICENSE_PRODUCTS,
    TENANT_NAMESPACE,
    USAGE_PRODUCTS,
)
from benefits.licensing import KEY_ALPHABET, KEY_GROUP_SIZE, KEY_LENGTH
from benefits.models import BenefitType, Offer, Product

# (id, product, expiration date) of a benefit; (id, product, tenant, seats, end) of a subscription.
BenefitRow = tuple[int, int, date]
COLLEAGUE_ROLES = [
    Role.USER_ADMIN,
    Role.ADMIN_AGENT,
    Role.MPN_PARTNER_ADMIN,
    Role.GLOBAL_ADMIN,
    Role.BILLING_ADMIN,
]
SubscriptionRow = tuple[int, int, int, int, date]


class Builder(Dataset):
    """Adds rows to the dataset: the catalogue once, then one organization per call. Seeded,
    so every fill is the same data."""

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
            "",  # language: not chosen, the browser's
            0,  # session generation
        )
        self._colleagues(org, slug)
        person_ids = [self._person(tenant_ids, slug, n) for n in range(people)]
        usage_ids, license_ids = self._benefits(org, currency, benefits, usage_benefits, products)
        subscription_ids = self._subscriptions(tenant_ids, license_ids, subscriptions)
        redeemed = self._keys(license_ids, keys, redeemed_keys, subscription_ids, admin)
        self._holders(usage_ids, person_ids, holders_per_credit, admin)
        activity_records(
            self,
            org=org,
            admin=admin,
            email=admin_email,
            count=activities,
            redeemed=redeemed,
            usage_ids=usage_ids,
            person_ids=person_ids,
        )
        return org

    def _colleagues(self, org: int, slug: str) -> None:
        """The admin's colleagues: four more accounts with a benefits role (so five get the
        daily digest) and one billing admin, who gets none."""
        for number, role in enumerate(COLLEAGUE_ROLES, start=1):
            self.accounts.add(
                self.accounts.next_id,
                self.password,
                False,
                "Bench",
                f"Colleague {number}",
                False,
                True,
                self.now,
                f"colleague{number}@{slug}.example",
                org,
                json.dumps([role.value]),
                "fr" if number == 2 else "",  # one reads the portal and its mails in French
                0,
            )

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
        usage_ids: list[BenefitRow] = []
        license_ids: list[BenefitRow] = []
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
            values: tuple[int, Decimal | None, str, str]
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
        by_product: dict[int, SubscriptionRow] = {}
        for subscription in subscriptions:
            by_product.setdefault(subscription[1], subscription)
        totals: dict[int, int] = {}
        redeemed: list[tuple[int, int, int, SubscriptionRow, int, datetime]] = []
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

    def _holders(self, usage_ids, person_ids, per_credit, admin) -> None:
        # Enabled members without another Azure offer, one credit each at most.
        eligible = iter(
            pk
            for pk in person_ids
            if self.people.rows[pk - 1][5] and self.people.rows[pk - 1][6] == "[]"
        )
        for benefit, _product, _expires in usage_ids:
            for _ in range(per_credit):
                person = next(eligible, None)
                if person is None:
                    return
                when = self.now - timedelta(days=self.random.randrange(400))
                self.assignments.add(self.assignments.next_id, benefit, person, when, admin)
