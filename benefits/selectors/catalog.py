"""The organization's benefits: one, all, one with what its page shows, those expiring soon, and the
status the lists show."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from accounts.selectors import parse_id
from benefits.models import Benefit, CreditAssignment, ProductKey

EXPIRES_SOON_DAYS = 30


class BenefitStatus:
    """What the list shows and filters by, one state each: active (more than 30 days left),
    expiring (30 days at most), expired."""

    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def benefit_status(benefit: Benefit, *, today: date) -> str:
    if benefit.expiration_date < today:
        return BenefitStatus.EXPIRED
    if benefit.expiration_date <= today + timedelta(days=EXPIRES_SOON_DAYS):
        return BenefitStatus.EXPIRING
    return BenefitStatus.ACTIVE


def benefit_list(*, organization: Organization) -> QuerySet[Benefit]:
    return Benefit.objects.filter(organization=organization).select_related("product")


def benefit_get(*, organization: Organization, benefit_id: object) -> Benefit:
    return get_object_or_404(benefit_list(organization=organization), pk=parse_id(benefit_id))


def _count_of(queryset: QuerySet, value: Count | Sum) -> Coalesce:
    """One figure per benefit as a subquery: joining keys and holders in the outer query
    would multiply its rows by each other and break its ordering and paging."""
    figure = queryset.filter(benefit=OuterRef("pk")).order_by().values("benefit")
    return Coalesce(Subquery(figure.annotate(n=value).values("n")), 0, output_field=IntegerField())


def benefits_counted(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """``benefits`` with what they have given out: ``seats_held`` (Azure credit holders),
    ``licenses_redeemed`` and ``licenses_available`` (the licenses of used and unused keys),
    in the same one query whatever their number."""
    keys = ProductKey.objects.all()
    return benefits.annotate(
        seats_held=_count_of(CreditAssignment.objects.all(), Count("pk")),
        licenses_redeemed=_count_of(keys.filter(redeemed_at__isnull=False), Sum("licenses")),
        licenses_available=_count_of(keys.filter(redeemed_at__isnull=True), Sum("licenses")),
    )


def benefit_details(
    *, organization: Organization, benefit_id: object, counted: bool = False
) -> Benefit:
    """One benefit with an Azure credit's holders (``assignments``) prefetched, in two queries
    whatever their number; ``counted`` adds the figures of ``benefits_counted`` to the first.
    A license benefit's keys are read by ``benefit_keys``, only when their table is rendered
    rather than shown from the page cache."""
    benefits = benefit_list(organization=organization)
    if counted:
        benefits = benefits_counted(benefits)
    benefit = get_object_or_404(benefits, pk=parse_id(benefit_id))
    if benefit.is_usage_based:
        shown = Prefetch(
            "assignments",
            queryset=CreditAssignment.objects.select_related("directory_user__tenant").order_by(
                "directory_user__display_name", "pk"
            ),
        )
        prefetch_related_objects([benefit], shown)
    return benefit


def benefit_keys(*, benefit: Benefit) -> list[ProductKey]:
    """A license benefit's keys with the subscriptions the redeemed ones went into, in one
    query: measured on the bench's large organization, cheaper than the keys alone followed by
    their subscriptions."""
    return list(
        ProductKey.objects.filter(benefit=benefit)
        .select_related("redeemed_into__tenant", "redeemed_into__product")
        .order_by("pk")
    )


def benefits_expiring_soon(*, organization: Organization, today: date) -> QuerySet[Benefit]:
    soon = today + timedelta(days=EXPIRES_SOON_DAYS)
    return (
        benefit_list(organization=organization)
        .filter(expiration_date__gte=today, expiration_date__lte=soon)
        .order_by("expiration_date", "product__name")
    )
