"""Benefits made for the report's tests: license-based ones with keys redeemed into
subscriptions, and credits with their holders."""

from __future__ import annotations

from datetime import UTC, date, datetime

from accounts.models import Organization
from benefits.models import Benefit, CreditAssignment, Product, ProductKey
from tests.accounts.factories import DirectoryUserFactory
from tests.benefits.factories import (
    BenefitFactory,
    ProductFactory,
    ProductKeyFactory,
    SubscriptionFactory,
)

REDEEMED_AT = datetime(2026, 2, 1, tzinfo=UTC)


def license_benefit(organization: Organization, name: str, **fields) -> Benefit:
    product = ProductFactory.create(name=name, kind=Product.Kind.LICENSE)
    return BenefitFactory.create(organization=organization, product=product, **fields)


def credit_benefit(
    organization: Organization, name: str, quantity: int, holders: int, **fields
) -> Benefit:
    product = ProductFactory.create(name=name, kind=Product.Kind.USAGE)
    credit = BenefitFactory.create(
        organization=organization, product=product, quantity=quantity, monthly_credit=True, **fields
    )
    tenant = organization.tenants.get()
    for _ in range(holders):
        CreditAssignment.objects.create(
            benefit=credit, directory_user=DirectoryUserFactory.create(tenant=tenant)
        )
    return credit


def redeemed_key(benefit: Benefit, licenses: int) -> ProductKey:
    subscription = SubscriptionFactory.create(
        tenant=benefit.organization.tenants.get(),
        product=benefit.product,
        end_date=date(2030, 1, 1),
    )
    return ProductKeyFactory.create(
        benefit=benefit, licenses=licenses, redeemed_at=REDEEMED_AT, redeemed_into=subscription
    )
