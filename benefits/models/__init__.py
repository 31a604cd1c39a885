from benefits.models.activity import Activity, AppendOnlyError
from benefits.models.catalog import Benefit, BenefitType, Offer, Product
from benefits.models.credit_assignments import CreditAssignment
from benefits.models.idempotency import IdempotentRequest
from benefits.models.product_keys import ProductKey
from benefits.models.subscriptions import (
    SUBSCRIPTION_STATUS_LABELS,
    Subscription,
    SubscriptionQuerySet,
)

__all__ = [
    "SUBSCRIPTION_STATUS_LABELS",
    "Activity",
    "AppendOnlyError",
    "Benefit",
    "BenefitType",
    "CreditAssignment",
    "IdempotentRequest",
    "Offer",
    "Product",
    "ProductKey",
    "Subscription",
    "SubscriptionQuerySet",
]
