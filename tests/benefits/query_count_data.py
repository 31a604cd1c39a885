"""An organization filled with ``count`` of everything the benefits pages list, for the tests
that show their queries don't grow with the data (pages and API alike)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import DirectoryUser
from benefits.models import Activity, Benefit, CreditAssignment, Product, ProductKey, Subscription
from tests.benefits.factories import ProductFactory, random_key


def populate(organization, count: int) -> tuple[Benefit, Benefit]:
    """``count`` benefits of each kind; one usage benefit with ``count`` holders and one
    license benefit with ``count`` keys, some redeemed. Returns those two."""
    today = timezone.localdate()
    tenant = organization.tenants.get()
    usage = ProductFactory.create(name="Azure credit", kind=Product.Kind.USAGE)
    license_product = ProductFactory.create(name="Office 365 E3", kind=Product.Kind.LICENSE)
    benefits = Benefit.objects.bulk_create(
        [
            Benefit(
                organization=organization,
                product=usage if n % 2 else license_product,
                offer="gold",
                benefit_type="core",
                quantity=count,
                expiration_date=today + timedelta(days=n),
                **(
                    {"credit_amount": 100, "credit_period": "monthly", "currency": "USD"}
                    if n % 2
                    else {}
                ),
            )
            for n in range(2 * count)
        ]
    )
    credit, licensed = benefits[1], benefits[0]
    people = DirectoryUser.objects.bulk_create(
        [
            DirectoryUser(
                tenant=tenant, display_name=f"P{n}", user_principal_name=f"p{count}-{n}@x.example"
            )
            for n in range(count)
        ]
    )
    CreditAssignment.objects.bulk_create(
        [CreditAssignment(benefit=credit, directory_user=person) for person in people]
    )
    # Each redeemed key went into a subscription of its own, so nothing is shared by accident.
    subscriptions = Subscription.objects.bulk_create(
        [
            Subscription(
                tenant=tenant, product=license_product, seats=10, start_date=today, end_date=today
            )
            for _ in range(count)
        ]
    )
    ProductKey.objects.bulk_create(
        [
            ProductKey(
                benefit=licensed,
                key=random_key(count * 10_000 + n),
                licenses=1,
                redeemed_at=timezone.now() if n % 3 == 0 else None,
                redeemed_into=subscriptions[n] if n % 3 == 0 else None,
            )
            for n in range(count)
        ]
    )
    Activity.objects.bulk_create(
        [
            Activity(
                organization=organization,
                kind=Activity.Kind.CREDIT_ASSIGNED,
                benefit=credit,
                after={"directory_user": f"P{n}"},
            )
            for n in range(count)
        ]
    )
    return credit, licensed
