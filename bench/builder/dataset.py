"""Every row of the benchmark data, table by table, with the lookups its snapshots need."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import DirectoryUser, Organization, Tenant, User
from bench.bulk import Rows
from bench.shape import ADMIN_PASSWORD
from benefits.models import (
    Activity,
    Benefit,
    CreditAssignment,
    Product,
    ProductKey,
    Subscription,
)


class Dataset:
    """The rows of each table as tuples, ids chosen up front (row position plus one) so that
    references need no round trip, and the order the tables are written in."""

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
            "organization_id roles language session_generation",
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

    def snapshot(self, person: int) -> dict[str, str]:
        """A person as the activity log keeps them: as they were when it happened."""
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
