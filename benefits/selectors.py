"""Reads of benefits data, always scoped to one organization: another organization's ids are
404, and every function runs a fixed number of queries whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from accounts.selectors import parse_id
from benefits.models import Benefit, CreditAssignment, Product, ProductKey, Subscription

EXPIRES_SOON_DAYS = 30


def benefit_list(*, organization: Organization) -> QuerySet[Benefit]:
    return Benefit.objects.filter(organization=organization).select_related("product")


def benefit_get(*, organization: Organization, benefit_id: object) -> Benefit:
    return get_object_or_404(benefit_list(organization=organization), pk=parse_id(benefit_id))


def product_key_list(*, organization: Organization) -> QuerySet[ProductKey]:
    return ProductKey.objects.filter(benefit__organization=organization)


def subscription_list(*, organization: Organization) -> QuerySet[Subscription]:
    return Subscription.objects.filter(tenant__organization=organization).select_related(
        "tenant", "product"
    )


def subscription_get(*, organization: Organization, subscription_id: object) -> Subscription:
    return get_object_or_404(
        subscription_list(organization=organization), pk=parse_id(subscription_id)
    )


def benefit_details(*, organization: Organization, benefit_id: object) -> Benefit:
    """One benefit with its keys (and the subscriptions they went into) and its credit holders,
    in three queries."""
    return get_object_or_404(
        benefit_list(organization=organization).prefetch_related(
            "keys__redeemed_into__tenant",
            "assignments__directory_user__tenant",
        ),
        pk=parse_id(benefit_id),
    )


@dataclass(frozen=True)
class BenefitsSummary:
    usage_based: int
    license_based: int
    expiring_soon: int
    keys_available: int
    credit_seats: int
    credit_seats_held: int

    @property
    def credit_seats_free(self) -> int:
        return max(self.credit_seats - self.credit_seats_held, 0)


def benefits_summary(*, organization: Organization, today: date) -> BenefitsSummary:
    """Counts for the benefits overview, in three queries."""
    soon = today + timedelta(days=EXPIRES_SOON_DAYS)
    current = Q(expiration_date__gte=today)
    usage = Q(product__kind=Product.Kind.USAGE)
    counts = Benefit.objects.filter(organization=organization).aggregate(
        usage_based=Count("pk", filter=usage),
        license_based=Count("pk", filter=~usage),
        expiring_soon=Count("pk", filter=current & Q(expiration_date__lte=soon)),
        credit_seats=Sum("quantity", filter=usage & current, default=0),
    )
    keys_available = (
        product_key_list(organization=organization)
        .filter(redeemed_at__isnull=True, benefit__expiration_date__gte=today)
        .count()
    )
    credit_seats_held = CreditAssignment.objects.filter(
        benefit__organization=organization, benefit__expiration_date__gte=today
    ).count()
    return BenefitsSummary(
        keys_available=keys_available, credit_seats_held=credit_seats_held, **counts
    )
