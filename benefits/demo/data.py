"""What the demo holds (SPEC 5): organizations' accounts, directory people, benefits and keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import AzureOffer, Role
from benefits.models import Benefit, BenefitType, Offer

DEFAULT_PASSWORD = "partner-demo"  # noqa: S105 - the documented demo password
TENANT_NAMESPACE = uuid.UUID("5d1f3c52-2f7e-4b0e-9d0e-7a6c1b9f0a11")

CONTOSO_ACCOUNTS = [
    ("admin@contoso.example", "Alice", "Admin", [Role.GLOBAL_ADMIN]),
    ("mpn@contoso.example", "Morgan", "Partner", [Role.MPN_PARTNER_ADMIN]),
    ("users@contoso.example", "Uma", "Users", [Role.USER_ADMIN]),
    ("agent@contoso.example", "Avery", "Agent", [Role.ADMIN_AGENT]),
    ("billing@contoso.example", "Blake", "Billing", [Role.BILLING_ADMIN]),
]

# (tenant domain, display name, principal name, kind, enabled, other offers)
CONTOSO_DIRECTORY = [
    (
        "contoso.onmicrosoft.com",
        "Adele Vance",
        "adelev@contoso.onmicrosoft.com",
        "member",
        True,
        [],
    ),
    ("contoso.onmicrosoft.com", "Alex Wilber", "alexw@contoso.onmicrosoft.com", "member", True, []),
    (
        "contoso.onmicrosoft.com",
        "Megan Bowen",
        "meganb@contoso.onmicrosoft.com",
        "member",
        True,
        [AzureOffer.AZURE_PASS],
    ),
    (
        "contoso.onmicrosoft.com",
        "Diego Siciliani",
        "diegos@contoso.onmicrosoft.com",
        "member",
        False,
        [],
    ),
    ("contoso.onmicrosoft.com", "Lee Gu", "lee.gu@fabrikam.example", "guest", True, []),
    ("contoso.onmicrosoft.com", "Pat Doe", "pat.doe@gmail.com", "guest", True, []),
    (
        "contosolab.onmicrosoft.com",
        "Lab Runner",
        "labrunner@contosolab.onmicrosoft.com",
        "member",
        True,
        [],
    ),
]


@dataclass(frozen=True)
class DemoBenefit:
    product: str
    kind: str
    quantity: int
    offer: str
    benefit_type: str
    expires_in_days: int
    keys: tuple[tuple[str, int], ...] = ()
    credit: tuple[Decimal, str] | None = None


CONTOSO_BENEFITS = [
    DemoBenefit(
        "Azure monthly credit — 100 per month",
        "usage",
        2,
        Offer.MICROSOFT_ACTION_PACK,
        BenefitType.CORE,
        200,
        credit=(Decimal("100"), Benefit.Period.MONTHLY),
    ),
    DemoBenefit(
        "Azure bulk credit — 6,000 per year",
        "usage",
        1,
        Offer.GOLD_COMPETENCY,
        BenefitType.INCREMENTAL,
        300,
        credit=(Decimal("6000"), Benefit.Period.ANNUAL),
    ),
    DemoBenefit(
        "Office 365 E3",
        "license",
        225,
        Offer.GOLD_COMPETENCY,
        BenefitType.CORE,
        300,
        keys=(
            ("36XHH-2D2TT-9HB6D-FV6M9-F7CPQ", 25),
            ("W7QCC-MCX3K-J9X3F-96QVT-YR36V", 100),
            ("T9C2Y-6YMPP-GCQ7T-X78KM-BVW6Y", 100),
        ),
    ),
    DemoBenefit(
        "Power BI Pro",
        "license",
        30,
        Offer.SILVER_COMPETENCY,
        BenefitType.INCREMENTAL,
        120,
        keys=(("27P9H-J68XW-2876H-V9CGM-7F8VY", 10), ("KQH88-6PMYQ-TH2VP-6J74B-TKCXD", 20)),
    ),
    DemoBenefit(
        "Microsoft Intune",
        "license",
        10,
        Offer.GOLD_COMPETENCY,
        BenefitType.CORE,
        20,
        keys=(("KFCQB-TWKJX-J7KTQ-M4PMB-QQRJQ", 10),),
    ),
    DemoBenefit(
        "Azure AD Basic",
        "license",
        5,
        Offer.MICROSOFT_ACTION_PACK,
        BenefitType.CORE,
        -10,
        keys=(("W4G2R-T333C-F8V6Y-8DQGF-QJQY4", 5),),
    ),
]

# SPEC 5, part two: Fabrikam's benefit expires within 60 days, so the digest of the day it is
# seeded tells its (French) admin that its key is still unredeemed.
FABRIKAM_BENEFITS = [
    DemoBenefit(
        "Office 365 E3",
        "license",
        50,
        Offer.GOLD_COMPETENCY,
        BenefitType.CORE,
        45,
        keys=(("Y3VQD-K8BJ7-PYC7D-MJV43-YF7FT", 50),),
    ),
]

FABRIKAM_ADMIN = ("admin@fabrikam.example", "Fabrice", "Admin", [Role.GLOBAL_ADMIN])
# Fabrikam's admin reads the portal and its mails in French; the other demo accounts choose no
# language, so their mails are in English (LANGUAGE_CODE) and their pages follow the browser.
FABRIKAM_ADMIN_LANGUAGE = "fr"

STAFF_EMAIL = "staff@partnerbenefits.example"
