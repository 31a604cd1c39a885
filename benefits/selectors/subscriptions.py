"""The organization's subscriptions, and the one a redemption re-activates or warns about."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404

from accounts.models import Organization, Tenant
from accounts.selectors import parse_id
from benefits.models import Product, Subscription
from benefits.models.subscriptions import SubscriptionQuerySet


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


def subscription_listed(*, organization: Organization, today: date) -> SubscriptionQuerySet:
    """What Your products lists: every subscription but Deleted ones, by tenant then product."""
    return (
        subscription_list(organization=organization)
        .listed_on(today)
        .order_by("tenant__primary_domain", "product__name", "pk")
    )


def subscription_get(*, organization: Organization, subscription_id: object) -> Subscription:
    return get_object_or_404(
        subscription_list(organization=organization), pk=parse_id(subscription_id)
    )
