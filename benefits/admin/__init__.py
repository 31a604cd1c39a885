"""The benefits app's admin: the catalog and the records (catalog.py), product keys and their
import from a file (product_keys.py, key_files.py, key_import.py). Importing this package
registers them all."""

from benefits.admin.catalog import (
    KEY_COLUMNS,
    ActivityAdmin,
    BenefitAdmin,
    CreditAssignmentAdmin,
    ProductAdmin,
    ProductKeyInline,
    SubscriptionAdmin,
)
from benefits.admin.key_files import KeyImportForm
from benefits.admin.key_import import (
    BENEFIT_COLUMN,
    KEY_COLUMN,
    KEYS_IMPORTED_MESSAGE,
    LICENSES_COLUMN,
    MPN_ID_COLUMN,
    PRODUCT_COLUMN,
    KeyImportResult,
    ProductKeyResource,
)
from benefits.admin.product_keys import (
    CONFIRM_CHANGED_MESSAGE,
    UPLOAD_EXPIRED_MESSAGE,
    ProductKeyAdmin,
)

__all__ = [
    "BENEFIT_COLUMN",
    "CONFIRM_CHANGED_MESSAGE",
    "KEYS_IMPORTED_MESSAGE",
    "KEY_COLUMN",
    "KEY_COLUMNS",
    "LICENSES_COLUMN",
    "MPN_ID_COLUMN",
    "PRODUCT_COLUMN",
    "UPLOAD_EXPIRED_MESSAGE",
    "ActivityAdmin",
    "BenefitAdmin",
    "CreditAssignmentAdmin",
    "KeyImportForm",
    "KeyImportResult",
    "ProductAdmin",
    "ProductKeyAdmin",
    "ProductKeyInline",
    "ProductKeyResource",
    "SubscriptionAdmin",
]
