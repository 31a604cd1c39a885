from benefits.models.activity import Activity, AppendOnlyError
from benefits.models.catalog import (
    SUBSCRIPTION_STATUS_LABELS,
    Benefit,
    BenefitType,
    CreditAssignment,
    Offer,
    Product,
    ProductKey,
    Subscription,
)

__all__ = [
    "SUBSCRIPTION_STATUS_LABELS",
    "Activity",
    "AppendOnlyError",
    "Benefit",
    "BenefitType",
    "CreditAssignment",
    "Offer",
    "Product",
    "ProductKey",
    "Subscription",
]
