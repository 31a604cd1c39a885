"""The organization's product keys, and where a used one went."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from accounts.selectors import parse_id
from benefits.models import ProductKey, Subscription


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
