"""The benefits report's figures: how an organization uses what it was granted. Reads only,
scoped to the organization, four queries whatever the number of benefits, keys, holders or
subscriptions (the sums and counts are done by the database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from accounts.models import Organization
from benefits.models import Benefit, Product, Subscription

# This month and the eleven after it.
MONTHS_AHEAD = 12


@dataclass(frozen=True)
class LicenseUse:
    """A license-based benefit's licenses: on redeemed keys, on keys still to redeem."""

    benefit_id: int
    product: str
    redeemed: int
    available: int


@dataclass(frozen=True)
class CreditUse:
    """An Azure credit's seats: held by someone, and free (never below zero)."""

    benefit_id: int
    product: str
    quantity: int
    assigned: int

    @property
    def free(self) -> int:
        return max(self.quantity - self.assigned, 0)


@dataclass(frozen=True)
class MonthExpirations:
    """How many benefits expire, and how many Active subscriptions end, in one month."""

    month: date  # its first day
    benefits: int
    subscriptions: int


@dataclass(frozen=True)
class BenefitsReport:
    licenses: list[LicenseUse]
    credits: list[CreditUse]
    months: list[MonthExpirations]


def report_months(*, today: date) -> list[date]:
    """The first day of this month and of each of the eleven after it."""
    first = today.replace(day=1)
    return [first + relativedelta(months=offset) for offset in range(MONTHS_AHEAD)]


def benefits_report(*, organization: Organization, today: date) -> BenefitsReport:
    """The report of ``organization`` as of ``today``. Licenses and credit seats are those of
    the benefits still current (expiring today or later): an expired benefit's keys and seats
    can no longer be used. Expirations count from today to the last day of the twelfth month;
    a subscription counts while Active (its end date today or later)."""
    current = Benefit.objects.filter(organization=organization, expiration_date__gte=today)
    ordering = ("product__name", "pk")
    licenses = (
        current.filter(product__kind=Product.Kind.LICENSE)
        .values_list("pk", "product__name")
        .annotate(
            redeemed=Sum("keys__licenses", filter=Q(keys__redeemed_at__isnull=False), default=0),
            available=Sum("keys__licenses", filter=Q(keys__redeemed_at__isnull=True), default=0),
        )
        .order_by(*ordering)
    )
    credits = (
        current.filter(product__kind=Product.Kind.USAGE)
        .values_list("pk", "product__name", "quantity")
        .annotate(assigned=Count("assignments"))
        .order_by(*ordering)
    )
    months = report_months(today=today)
    last_day = months[-1] + relativedelta(months=1, days=-1)
    expiring = _per_month(current.filter(expiration_date__lte=last_day), "expiration_date")
    ending = _per_month(
        Subscription.objects.filter(
            tenant__organization=organization, end_date__gte=today, end_date__lte=last_day
        ),
        "end_date",
    )
    return BenefitsReport(
        licenses=[LicenseUse(*row) for row in licenses],
        credits=[CreditUse(*row) for row in credits],
        months=[
            MonthExpirations(month, expiring.get(month, 0), ending.get(month, 0))
            for month in months
        ],
    )


def _per_month(queryset, field: str) -> dict[date, int]:
    """How many rows of ``queryset`` fall in each month of their ``field`` (a date)."""
    rows = (
        queryset.annotate(month=TruncMonth(field))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    return dict(rows)
