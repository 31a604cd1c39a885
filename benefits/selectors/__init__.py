"""Reads of benefits data, always scoped to one organization: another organization's ids are
404, and every function runs a fixed number of queries whatever the amount of data.

One module per subject; every name is importable from here (``from benefits import selectors``
then ``selectors.benefit_list(...)``), which is how the rest of the portal reads them."""

from benefits.selectors.activity import (
    activity_list,
    redemption_by_token,
    redemption_record_get,
)
from benefits.selectors.benefit_table import DEFAULT_SORT, SORTABLE, BenefitListQuery, benefit_table
from benefits.selectors.catalog import (
    EXPIRES_SOON_DAYS,
    BenefitStatus,
    benefit_details,
    benefit_get,
    benefit_keys,
    benefit_list,
    benefit_status,
    benefits_counted,
    benefits_expiring_soon,
)
from benefits.selectors.keys import key_get, key_list, key_redeemed_into, product_key_list
from benefits.selectors.subscriptions import (
    subscription_active_in,
    subscription_get,
    subscription_list,
    subscription_listed,
    subscription_reactivation_target,
)
from benefits.selectors.summary import BenefitsSummary, benefits_summary

__all__ = [
    "DEFAULT_SORT",
    "EXPIRES_SOON_DAYS",
    "SORTABLE",
    "BenefitListQuery",
    "BenefitStatus",
    "BenefitsSummary",
    "activity_list",
    "benefit_details",
    "benefit_get",
    "benefit_keys",
    "benefit_list",
    "benefit_status",
    "benefit_table",
    "benefits_counted",
    "benefits_expiring_soon",
    "benefits_summary",
    "key_get",
    "key_list",
    "key_redeemed_into",
    "product_key_list",
    "redemption_by_token",
    "redemption_record_get",
    "subscription_active_in",
    "subscription_get",
    "subscription_list",
    "subscription_listed",
    "subscription_reactivation_target",
]
