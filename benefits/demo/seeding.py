"""Writes the demo data, relative to today.

Idempotent: rows are found by their natural keys and created only when missing, so running it
again changes nothing, and it never undoes what people did with the demo (redeemed keys,
assigned credit).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction

from accounts.models import DirectoryUser, Organization, Tenant, User
from benefits.demo.data import (
    CONTOSO_ACCOUNTS,
    CONTOSO_BENEFITS,
    CONTOSO_DIRECTORY,
    DEFAULT_PASSWORD,
    FABRIKAM_ADMIN,
    FABRIKAM_ADMIN_LANGUAGE,
    FABRIKAM_BENEFITS,
    STAFF_EMAIL,
    TENANT_NAMESPACE,
    DemoBenefit,
)
from benefits.models import Benefit, Product, ProductKey, Subscription


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
    email, first, last, roles = FABRIKAM_ADMIN
    accounts.append(
        _account(
            email,
            first,
            last,
            roles,
            fabrikam,
            password,
            reset_passwords,
            language=FABRIKAM_ADMIN_LANGUAGE,
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
            "tenant_id": uuid.uuid5(TENANT_NAMESPACE, domain),
        },
    )
    return tenant


def _account(
    email, first, last, roles, organization, password, reset_passwords, *, language: str = ""
) -> User:
    # The language only when the account is created: someone may have changed it since.
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "organization": organization,
            "roles": [str(role) for role in roles],
            "language": language,
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
