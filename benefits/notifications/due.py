"""What is due for an organization on a day: one selector per kind of notice, each the rule of
SPEC 10 beside its thresholds, each one query whatever the amount of data.

The digest (digests.py), the /notifications/ page and the top bar's count all read these, so a
notice is the same wherever it is shown. Which threshold is due on a day is licensing's
arithmetic (``notice_threshold``): a benefit 20 days from its end is due at 30 days, and again
at 7 once it is 7 days away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from benefits import licensing
from benefits.models import Benefit, Offer, Product, ProductKey, Subscription
from benefits.notifications.models import NoticeKind

# Days before the end that each kind is announced at (SPEC 10).
BENEFIT_EXPIRING_DAYS = (30, 7)
KEYS_UNREDEEMED_DAYS = (60,)
SUBSCRIPTION_ENDING_DAYS = (60, 14)
CREDIT_SEATS_FREE_DAYS = (60,)


@dataclass(frozen=True)
class Notice:
    """One thing due: ``kind`` about the benefit or subscription ``object_id``, at
    ``threshold`` days before ``ends_on``. The figures are those the notice states."""

    kind: str
    object_id: int
    threshold: int
    ends_on: date
    product: str
    offer: str = ""
    is_license_based: bool = False
    keys: int = 0
    licenses: int = 0
    seats_free: int = 0
    tenant: str = ""

    @property
    def identity(self) -> tuple[str, int, date, int]:
        """What the sent-log and the read marks are unique on (with the account)."""
        return (self.kind, self.object_id, self.ends_on, self.threshold)

    @property
    def due_since(self) -> date:
        return licensing.notice_due_since(ends_on=self.ends_on, threshold=self.threshold)

    @property
    def path(self) -> str:
        """Where in the portal the reader acts on it."""
        if self.kind == NoticeKind.SUBSCRIPTION_ENDING:
            return reverse("products")
        if self.kind == NoticeKind.CREDIT_SEATS_FREE:
            return reverse("benefits:credit_picker", args=[self.object_id])
        return reverse("benefits:benefit_detail", args=[self.object_id])


def _threshold(ends_on: date, today: date, thresholds: tuple[int, ...]) -> int | None:
    return licensing.notice_threshold(ends_on=ends_on, today=today, thresholds=thresholds)


def _ending_within(today: date, thresholds: tuple[int, ...]) -> tuple[date, date]:
    return today, today + timedelta(days=max(thresholds))


_UNREDEEMED = Q(keys__redeemed_at__isnull=True)


def _benefits_ending(
    organization_id: int, today: date, thresholds: tuple[int, ...], **kind: object
) -> QuerySet[Benefit]:
    """The organization's benefits (of product ``kind`` if given) ending within the largest
    of ``thresholds``."""
    return Benefit.objects.filter(
        organization_id=organization_id,
        expiration_date__range=_ending_within(today, thresholds),
        **{f"product__{field}": value for field, value in kind.items()},
    ).select_related("product")


def _with_keys_available(
    benefits: QuerySet[Benefit], *, only_with_keys: bool = False
) -> QuerySet[Benefit]:
    annotated = benefits.annotate(
        keys_available=Count("keys", filter=_UNREDEEMED),
        licenses_available=Sum("keys__licenses", filter=_UNREDEEMED, default=0),
    )
    return annotated.filter(keys_available__gt=0) if only_with_keys else annotated


class Figures(TypedDict, total=False):
    """What a notice about a benefit states besides its dates."""

    keys: int
    licenses: int
    seats_free: int


def _keys_figures(benefit: Benefit) -> Figures:
    return {"keys": benefit.keys_available, "licenses": benefit.licenses_available}  # type: ignore[attr-defined]


def _benefit_notices(
    kind: str,
    benefits: QuerySet[Benefit],
    today: date,
    thresholds: tuple[int, ...],
    figures: Callable[[Benefit], Figures],
) -> list[Notice]:
    """The notices of ``kind`` due about ``benefits``, each with the ``figures`` it states."""
    offers = dict(Offer.choices)
    notices = []
    for benefit in benefits:
        threshold = _threshold(benefit.expiration_date, today, thresholds)
        if threshold is None:
            continue
        notices.append(
            Notice(
                kind=kind,
                object_id=benefit.pk,
                threshold=threshold,
                ends_on=benefit.expiration_date,
                product=benefit.product.name,
                offer=str(offers.get(benefit.offer, benefit.offer)),
                is_license_based=benefit.product.kind == Product.Kind.LICENSE,
                **figures(benefit),
            )
        )
    return notices


def benefits_expiring(*, organization_id: int, today: date) -> list[Notice]:
    """Benefit expiring: a benefit's expiration date is 30 days away, and again at 7; for
    license-based benefits, with how many keys are still available."""
    benefits = _with_keys_available(_benefits_ending(organization_id, today, BENEFIT_EXPIRING_DAYS))
    return _benefit_notices(
        NoticeKind.BENEFIT_EXPIRING, benefits, today, BENEFIT_EXPIRING_DAYS, _keys_figures
    )


def keys_unredeemed(*, organization_id: int, today: date) -> list[Notice]:
    """Keys left unredeemed: a license-based benefit with available keys expires within 60
    days."""
    benefits = _with_keys_available(
        _benefits_ending(organization_id, today, KEYS_UNREDEEMED_DAYS, kind=Product.Kind.LICENSE),
        only_with_keys=True,
    )
    return _benefit_notices(
        NoticeKind.KEYS_UNREDEEMED, benefits, today, KEYS_UNREDEEMED_DAYS, _keys_figures
    )


def subscriptions_ending(*, organization_id: int, today: date) -> list[Notice]:
    """Subscription ending: an Active subscription ends within 60 days, and again at 14; with
    the available keys of that product that could extend it (licensing's limit: at most three
    times its seats)."""
    keys_of_product = (
        ProductKey.objects.filter(
            benefit__organization_id=organization_id,
            benefit__product_id=OuterRef("product_id"),
            benefit__expiration_date__gte=today,
            redeemed_at__isnull=True,
            licenses__lte=OuterRef("seats") * licensing.MAX_EXTENSION_KEY_SEATS_PER_SEAT,
        )
        .order_by()
        .values("benefit__product_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    subscriptions = (
        Subscription.objects.filter(
            tenant__organization_id=organization_id,
            end_date__range=_ending_within(today, SUBSCRIPTION_ENDING_DAYS),
        )
        .select_related("product", "tenant")
        .annotate(
            keys_available=Coalesce(
                Subquery(keys_of_product, output_field=IntegerField()), Value(0)
            )
        )
    )
    notices = []
    for subscription in subscriptions:
        threshold = _threshold(subscription.end_date, today, SUBSCRIPTION_ENDING_DAYS)
        if threshold is None:
            continue
        notices.append(
            Notice(
                kind=NoticeKind.SUBSCRIPTION_ENDING,
                object_id=subscription.pk,
                threshold=threshold,
                ends_on=subscription.end_date,
                product=subscription.product.name,
                is_license_based=True,
                keys=subscription.keys_available,
                tenant=subscription.tenant.primary_domain,
            )
        )
    return notices


def credit_seats_free(*, organization_id: int, today: date) -> list[Notice]:
    """Credit seats free: a credit benefit with unassigned seats expires within 60 days."""
    benefits = (
        _benefits_ending(organization_id, today, CREDIT_SEATS_FREE_DAYS, kind=Product.Kind.USAGE)
        .annotate(held=Count("assignments"))
        .filter(quantity__gt=F("held"))
    )
    return _benefit_notices(
        NoticeKind.CREDIT_SEATS_FREE,
        benefits,
        today,
        CREDIT_SEATS_FREE_DAYS,
        lambda benefit: {"seats_free": benefit.quantity - benefit.held},  # type: ignore[attr-defined]
    )


SELECTORS = {
    NoticeKind.BENEFIT_EXPIRING: benefits_expiring,
    NoticeKind.KEYS_UNREDEEMED: keys_unredeemed,
    NoticeKind.SUBSCRIPTION_ENDING: subscriptions_ending,
    NoticeKind.CREDIT_SEATS_FREE: credit_seats_free,
}


def notices_due(*, organization_id: int, today: date) -> list[Notice]:
    """Everything due for the organization on ``today``, newest first (by the day each became
    due), in one query per kind."""
    notices = [
        notice
        for selector in SELECTORS.values()
        for notice in selector(organization_id=organization_id, today=today)
    ]
    return sorted(notices, key=lambda n: (-n.due_since.toordinal(), n.ends_on, n.kind, n.product))
