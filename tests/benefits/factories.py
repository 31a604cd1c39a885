from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from benefits.licensing import KEY_ALPHABET, normalize_key
from benefits.models import Benefit, BenefitType, Offer, Product, ProductKey, Subscription
from tests.accounts.factories import OrganizationFactory, TenantFactory


def random_key(seed: int) -> str:
    chooser = random.Random(seed)
    return normalize_key("".join(chooser.choice(KEY_ALPHABET) for _ in range(25)))


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Cloud product {n}")
    kind = Product.Kind.LICENSE


class BenefitFactory(DjangoModelFactory[Benefit]):
    class Meta:
        model = Benefit

    organization = factory.SubFactory(OrganizationFactory)
    product = factory.SubFactory(ProductFactory)
    offer = Offer.GOLD_COMPETENCY
    benefit_type = BenefitType.CORE
    quantity = 10
    expiration_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))

    class Params:
        monthly_credit = factory.Trait(
            product=factory.SubFactory(ProductFactory, kind=Product.Kind.USAGE),
            credit_amount=Decimal("100"),
            credit_period=Benefit.Period.MONTHLY,
            currency=factory.SelfAttribute("organization.currency"),
        )


class ProductKeyFactory(DjangoModelFactory[ProductKey]):
    class Meta:
        model = ProductKey

    benefit = factory.SubFactory(BenefitFactory)
    key = factory.Sequence(random_key)
    licenses = 10


class SubscriptionFactory(DjangoModelFactory[Subscription]):
    class Meta:
        model = Subscription

    tenant = factory.SubFactory(TenantFactory)
    product = factory.SubFactory(ProductFactory)
    seats = 10
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))
    start_date = factory.LazyAttribute(
        lambda subscription: subscription.end_date - timedelta(days=365)
    )
