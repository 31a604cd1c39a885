from benefits.models.activity import Activity, AppendOnlyError
from benefits.models.catalog import (
    Benefit,
    BenefitType,
    CreditAssignment,
    Offer,
    Product,
    ProductKey,
    Subscription,
)

__all__ = [
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
