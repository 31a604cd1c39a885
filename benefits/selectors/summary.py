"""The benefits overview's counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from accounts.models import Organization
from benefits.models import Benefit, CreditAssignment, Product
from benefits.selectors.catalog import EXPIRES_SOON_DAYS
from benefits.selectors.keys import product_key_list


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
