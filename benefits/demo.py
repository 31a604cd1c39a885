"""The demo data of the specification (SPEC 5), relative to today.

Idempotent: rows are found by their natural keys and created only when missing, so running it
again changes nothing, and it never undoes what people did with the demo (redeemed keys,
assigned credit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction

from accounts.models import AzureOffer, DirectoryUser, Organization, Role, Tenant, User
from benefits.models import Benefit, BenefitType, Offer, Product, ProductKey, Subscription

DEFAULT_PASSWORD = "partner-demo"  # noqa: S105 - the documented demo password
_TENANT_NAMESPACE = uuid.UUID("5d1f3c52-2f7e-4b0e-9d0e-7a6c1b9f0a11")

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

FABRIKAM_BENEFITS = [
    DemoBenefit(
        "Office 365 E3",
        "license",
        50,
        Offer.GOLD_COMPETENCY,
        BenefitType.CORE,
        300,
        keys=(("Y3VQD-K8BJ7-PYC7D-MJV43-YF7FT", 50),),
    ),
]

STAFF_EMAIL = "staff@partnerbenefits.example"


@transaction.atomic
def seed_demo(
    *, today: date, password: str = DEFAULT_PASSWORD, reset_passwords: bool = False
) -> list[User]:
    """Create whatever of the demo data is missing; return the demo accounts.

    ``reset_passwords`` sets every demo account's password to ``password`` even when the
    account already exists.
    """
    contoso = _organization("Contoso Partners", "4711001", "US", "USD")
    contoso_tenant = _tenant(contoso, "Contoso", "contoso.onmicrosoft.com", primary=True)
    _tenant(contoso, "Contoso Lab", "contosolab.onmicrosoft.com", primary=False)
    fabrikam = _organization("Fabrikam Solutions", "4711002", "FR", "EUR")
    fabrikam_tenant = _tenant(fabrikam, "Fabrikam", "fabrikam.onmicrosoft.com", primary=True)

    accounts = [
        _account(email, first, last, roles, contoso, password, reset_passwords)
        for email, first, last, roles in CONTOSO_ACCOUNTS
    ]
    accounts.append(
        _account(
            "admin@fabrikam.example",
            "Fabrice",
            "Admin",
            [Role.GLOBAL_ADMIN],
            fabrikam,
            password,
            reset_passwords,
        )
    )
    accounts.append(_staff(password, reset_passwords))

    for domain, name, upn, kind, enabled, offers in CONTOSO_DIRECTORY:
        DirectoryUser.objects.get_or_create(
            tenant=Tenant.objects.get(primary_domain=domain),
            user_principal_name=upn,
            defaults={
                "display_name": name,
                "kind": kind,
                "is_enabled": enabled,
                "other_offers": list(offers),
            },
        )

    for spec in CONTOSO_BENEFITS:
        _benefit(contoso, spec, today)
    for spec in FABRIKAM_BENEFITS:
        _benefit(fabrikam, spec, today)

    _subscription(contoso_tenant, "Office 365 E3", 100, today + relativedelta(months=6))
    _subscription(contoso_tenant, "Power BI Pro", 5, today + relativedelta(months=2))
    _subscription(contoso_tenant, "Microsoft Intune", 10, today - timedelta(days=40))
    _subscription(fabrikam_tenant, "Office 365 E3", 50, today + relativedelta(months=3))
    return accounts


def _organization(name: str, mpn_id: str, country: str, currency: str) -> Organization:
    organization, _ = Organization.objects.get_or_create(
        mpn_id=mpn_id, defaults={"name": name, "country": country, "currency": currency}
    )
    return organization


def _tenant(organization: Organization, name: str, domain: str, *, primary: bool) -> Tenant:
    tenant, _ = Tenant.objects.get_or_create(
        primary_domain=domain,
        defaults={
            "organization": organization,
            "display_name": name,
            "is_primary": primary,
            # Stable across databases, so screenshots and bookmarks stay valid.
            "tenant_id": uuid.uuid5(_TENANT_NAMESPACE, domain),
        },
    )
    return tenant


def _account(email, first, last, roles, organization, password, reset_passwords) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "organization": organization,
            "roles": [str(role) for role in roles],
        },
    )
    if created or reset_passwords:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _staff(password: str, reset_passwords: bool) -> User:
    user = User.objects.filter(email=STAFF_EMAIL).first()
    if user is None:
        return User.objects.create_superuser(
            STAFF_EMAIL, password, first_name="Sam", last_name="Staff"
        )
    if reset_passwords:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _benefit(organization: Organization, spec: DemoBenefit, today: date) -> Benefit:
    product, _ = Product.objects.get_or_create(name=spec.product, defaults={"kind": spec.kind})
    credit = {}
    if spec.credit:
        amount, period = spec.credit
        credit = {
            "credit_amount": amount,
            "credit_period": period,
            "currency": organization.currency,
        }
    benefit, _ = Benefit.objects.get_or_create(
        organization=organization,
        product=product,
        offer=spec.offer,
        defaults={
            "benefit_type": spec.benefit_type,
            "quantity": spec.quantity,
            "expiration_date": today + timedelta(days=spec.expires_in_days),
            **credit,
        },
    )
    for key, licenses in spec.keys:
        ProductKey.objects.get_or_create(
            key=key, defaults={"benefit": benefit, "licenses": licenses}
        )
    return benefit


def _subscription(tenant: Tenant, product_name: str, seats: int, end_date: date) -> Subscription:
    product = Product.objects.get(name=product_name)
    subscription, _ = Subscription.objects.get_or_create(
        tenant=tenant,
        product=product,
        defaults={
            "seats": seats,
            "start_date": end_date - relativedelta(months=12),
            "end_date": end_date,
        },
    )
    return subscription
