"""Reads of benefits data, always scoped to one organization: another organization's ids are
404, and every function runs a fixed number of queries whatever the amount of data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Organization, Tenant
from accounts.selectors import parse_id
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
from benefits.models.subscriptions import SubscriptionQuerySet

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


def product_key_list(*, organization: Organization) -> QuerySet[ProductKey]:
    return ProductKey.objects.filter(benefit__organization=organization)


def key_list(*, organization: Organization) -> QuerySet[ProductKey]:
    """The organization's keys, with the benefit and product the checks and the review show.
    (Where a used key went is read only to say so: joined every time, it slowed every step.)"""
    return product_key_list(organization=organization).select_related("benefit__product")


def key_get(*, organization: Organization, key_id: object) -> ProductKey:
    return get_object_or_404(key_list(organization=organization), pk=parse_id(key_id))


def key_redeemed_into(*, key: ProductKey) -> Subscription | None:
    """The subscription a used key went into, with what the refusal names of it."""
    if key.redeemed_into_id is None:
        return None
    return (
        Subscription.objects.select_related("tenant", "product")
        .filter(pk=key.redeemed_into_id)
        .first()
    )


def subscription_reactivation_target(
    *, tenant: Tenant, product: Product, today: date
) -> Subscription | None:
    """An Expired or Disabled subscription of the product in the tenant, re-activated rather
    than duplicated."""
    return (
        Subscription.objects.filter(tenant=tenant, product=product)
        .select_related("tenant", "product")
        .ended_on(today)
        .order_by("-end_date")
        .first()
    )


def subscription_active_in(*, tenant: Tenant, product: Product, today: date) -> Subscription | None:
    """An Active subscription of the product in the tenant: activating is allowed, but the
    review warns that extending or adding licenses may be what was meant."""
    return (
        Subscription.objects.filter(tenant=tenant, product=product)
        .select_related("tenant", "product")
        .active_on(today)
        .order_by("-end_date")
        .first()
    )


def subscription_list(*, organization: Organization) -> SubscriptionQuerySet:
    return Subscription.objects.filter(tenant__organization=organization).select_related(
        "tenant", "product"
    )


def subscription_get(*, organization: Organization, subscription_id: object) -> Subscription:
    return get_object_or_404(
        subscription_list(organization=organization), pk=parse_id(subscription_id)
    )


def benefit_details(*, organization: Organization, benefit_id: object) -> Benefit:
    """One benefit with an Azure credit's holders (``assignments``) prefetched, in two queries
    whatever their number. A license benefit's keys are read by ``benefit_keys``, only when
    their table is rendered rather than shown from the page cache."""
    benefit = benefit_get(organization=organization, benefit_id=benefit_id)
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


# --- Azure & Cloud products list ---------------------------------------------------------------

SORTABLE = {
    "product": "product__name",
    "quantity": "quantity",
    "offer": "offer_label",
    "type": "type_label",
    "expiration": "expiration_date",
}
DEFAULT_SORT = "product"


@dataclass(frozen=True)
class BenefitListQuery:
    """The state of the Azure & Cloud list, as the URL carries it. Already validated."""

    sort: str = DEFAULT_SORT  # a key of SORTABLE, "-" in front for descending
    offer: str = ""
    benefit_type: str = ""
    status: str = ""
    search: str = ""


def _label_of(field: str, choices: Sequence[tuple[str, object]]) -> Case:
    """Sort by the label the reader sees, in their language, not by the stored code."""
    return Case(
        *(When(**{field: code}, then=Value(str(label))) for code, label in choices),
        default=Value(""),
        output_field=CharField(),
    )


def benefit_table(
    *, organization: Organization, query: BenefitListQuery, today: date
) -> QuerySet[Benefit]:
    """The organization's benefits filtered, searched and sorted as ``query`` says; callers
    split it into the usage-based and license-based sections and paginate each."""
    benefits = benefit_list(organization=organization)
    if query.offer:
        benefits = benefits.filter(offer=query.offer)
    if query.benefit_type:
        benefits = benefits.filter(benefit_type=query.benefit_type)
    if query.search:
        benefits = benefits.filter(product__name__icontains=query.search)
    soon = today + timedelta(days=EXPIRES_SOON_DAYS)
    if query.status == BenefitStatus.ACTIVE:
        benefits = benefits.filter(expiration_date__gt=soon)
    elif query.status == BenefitStatus.EXPIRING:
        benefits = benefits.filter(expiration_date__gte=today, expiration_date__lte=soon)
    elif query.status == BenefitStatus.EXPIRED:
        benefits = benefits.filter(expiration_date__lt=today)
    descending = query.sort.startswith("-")
    field = SORTABLE.get(query.sort.lstrip("-"), SORTABLE[DEFAULT_SORT])
    ordering = [f"-{field}" if descending else field, "product__name", "pk"]
    return benefits.annotate(
        offer_label=_label_of("offer", Offer.choices),
        type_label=_label_of("benefit_type", BenefitType.choices),
    ).order_by(*ordering)


def benefits_expiring_soon(*, organization: Organization, today: date) -> QuerySet[Benefit]:
    soon = today + timedelta(days=EXPIRES_SOON_DAYS)
    return (
        benefit_list(organization=organization)
        .filter(expiration_date__gte=today, expiration_date__lte=soon)
        .order_by("expiration_date", "product__name")
    )


# --- Activity ---------------------------------------------------------------------------------


def activity_list(
    *,
    organization: Organization,
    kind: str = "",
    benefit_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Activity]:
    """The organization's activity, newest first, optionally of one kind, one benefit, and
    from ``date_from`` to ``date_to``: both days included, as days of the current time zone
    (from the start of the first to the start of the day after the last)."""
    records = Activity.objects.filter(organization=organization)
    if kind:
        records = records.filter(kind=kind)
    if benefit_id:
        records = records.filter(benefit_id=benefit_id)
    if date_from and (start := _day_start(date_from)):
        records = records.filter(created_at__gte=start)
    if date_to and date_to < date.max and (end := _day_start(date_to + timedelta(days=1))):
        records = records.filter(created_at__lt=end)
    return records.order_by("-created_at", "-pk")


def _day_start(day: date) -> datetime | None:
    """Midnight of ``day`` in the current time zone; None at the calendar's edges (year 1 or
    9999 in a zone that UTC can't reach), where the range is open on that side anyway."""
    try:
        start = timezone.make_aware(datetime.combine(day, time.min))
        start.astimezone(UTC)
    except OverflowError:
        return None
    return start


def redemption_record_get(*, organization: Organization, record_id: object) -> Activity | None:
    """A redemption record with what the Done step shows of it."""
    return (
        Activity.objects.filter(
            organization=organization, kind=Activity.Kind.KEY_REDEEMED, pk=parse_id(record_id)
        )
        .select_related("subscription__tenant", "subscription__product", "benefit__product")
        .first()
    )


def redemption_by_token(*, organization: Organization, token: str) -> Activity | None:
    """The redemption record a review's one-time token (or an API Idempotency-Key) produced,
    with what the Done step shows of it."""
    if not token:
        return None
    return (
        Activity.objects.filter(
            organization=organization, kind=Activity.Kind.KEY_REDEEMED, idempotency_key=token
        )
        .select_related("subscription__tenant", "subscription__product", "benefit__product")
        .first()
    )
