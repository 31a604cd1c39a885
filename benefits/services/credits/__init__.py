"""Azure credit: its rules and messages (``rules``), and the changes that apply them to locked
rows — assign, remove, transfer (``changes``). Callers import from here."""

from benefits.services.credits.changes import credit_assign, credit_remove, credit_transfer
from benefits.services.credits.rules import (
    ALREADY_HOLDS_OTHER,
    ALREADY_HOLDS_THIS,
    BULK_NOT_REMOVABLE,
    CONSUMER_DOMAIN,
    CONSUMER_DOMAINS,
    DISABLED,
    EXPIRED,
    GONE,
    MONTHLY_NOT_TRANSFERABLE,
    NOT_A_HOLDER,
    NOT_CREDIT,
    OTHER_OFFER,
    PERSON_GONE,
    TRANSFER_TO_HOLDER,
    credit_remove_check,
    credit_remove_refusal,
    seats_full_message,
)

__all__ = [
    "ALREADY_HOLDS_OTHER",
    "ALREADY_HOLDS_THIS",
    "BULK_NOT_REMOVABLE",
    "CONSUMER_DOMAIN",
    "CONSUMER_DOMAINS",
    "DISABLED",
    "EXPIRED",
    "GONE",
    "MONTHLY_NOT_TRANSFERABLE",
    "NOT_A_HOLDER",
    "NOT_CREDIT",
    "OTHER_OFFER",
    "PERSON_GONE",
    "TRANSFER_TO_HOLDER",
    "credit_assign",
    "credit_remove",
    "credit_remove_check",
    "credit_remove_refusal",
    "credit_transfer",
    "seats_full_message",
]
