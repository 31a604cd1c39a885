"""`seed_demo` creates exactly the data of SPEC 5, and running it again changes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone

from accounts.models import DirectoryUser, Organization, Tenant, User
from benefits.models import Benefit, ProductKey, Subscription

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, str]:
    """Every row of every portal table, serialised."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for label in ("accounts", "benefits")
        for model in apps.get_app_config(label).get_models()
    }


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_running_seed_demo_twice_changes_nothing():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first


def test_seed_demo_prints_the_demo_accounts():
    output = seed()
    assert "admin@contoso.example" in output
    assert "partner-demo" in output


def test_seed_demo_creates_the_organizations_of_the_spec():
    seed()
    contoso = Organization.objects.get(mpn_id="4711001")
    assert (contoso.name, contoso.country, contoso.currency) == ("Contoso Partners", "US", "USD")
    assert [t.primary_domain for t in contoso.tenants.all()] == [
        "contoso.onmicrosoft.com",
        "contosolab.onmicrosoft.com",
    ]
    assert Tenant.objects.get(primary_domain="contoso.onmicrosoft.com").is_primary
    fabrikam = Organization.objects.get(mpn_id="4711002")
    assert (fabrikam.country, fabrikam.currency) == ("FR", "EUR")


def test_seed_demo_accounts_and_roles():
    seed()
    roles = {user.email: user.roles for user in User.objects.filter(organization__isnull=False)}
    assert roles == {
        "admin@contoso.example": ["global_admin"],
        "mpn@contoso.example": ["mpn_partner_admin"],
        "users@contoso.example": ["user_admin"],
        "agent@contoso.example": ["admin_agent"],
        "billing@contoso.example": ["billing_admin"],
        "admin@fabrikam.example": ["global_admin"],
    }
    staff = User.objects.get(email="staff@partnerbenefits.example")
    assert staff.is_superuser
    assert staff.is_staff
    assert all(user.check_password("partner-demo") for user in User.objects.all())


def test_seed_demo_password_option_sets_every_demo_password():
    seed()
    seed("--password", "another-secret")
    assert all(user.check_password("another-secret") for user in User.objects.all())


def test_seed_demo_directory_users():
    seed()
    people = {p.display_name: p for p in DirectoryUser.objects.select_related("tenant")}
    assert set(people) == {
        "Adele Vance",
        "Alex Wilber",
        "Megan Bowen",
        "Diego Siciliani",
        "Lee Gu",
        "Pat Doe",
        "Lab Runner",
    }
    assert people["Megan Bowen"].other_offers == ["azure_pass"]
    assert not people["Diego Siciliani"].is_enabled
    assert (people["Lee Gu"].kind, people["Lee Gu"].user_principal_name) == (
        "guest",
        "lee.gu@fabrikam.example",
    )
    assert people["Pat Doe"].user_principal_name == "pat.doe@gmail.com"
    assert people["Lab Runner"].tenant.primary_domain == "contosolab.onmicrosoft.com"


def test_seed_demo_benefits_and_keys():
    seed()
    today = timezone.localdate()
    rows = {
        benefit.product.name: benefit
        for benefit in Benefit.objects.filter(organization__mpn_id="4711001").select_related(
            "product"
        )
    }
    expected = {
        "Azure monthly credit — 100 per month": (2, "action_pack", "core", 200, "usage"),
        "Azure bulk credit — 6,000 per year": (1, "gold", "incremental", 300, "usage"),
        "Office 365 E3": (225, "gold", "core", 300, "license"),
        "Power BI Pro": (30, "silver", "incremental", 120, "license"),
        "Microsoft Intune": (10, "gold", "core", 20, "license"),
        "Azure AD Basic": (5, "action_pack", "core", -10, "license"),
    }
    assert set(rows) == set(expected)
    for name, (quantity, offer, kind, days, product_kind) in expected.items():
        benefit = rows[name]
        assert (benefit.quantity, benefit.offer, benefit.benefit_type) == (quantity, offer, kind)
        assert benefit.expiration_date == today + timedelta(days=days)
        assert benefit.product.kind == product_kind
    assert rows["Azure monthly credit — 100 per month"].credit_period == "monthly"
    assert rows["Azure bulk credit — 6,000 per year"].credit_amount == 6000
    keys = {k.key: (k.benefit.product.name, k.licenses) for k in ProductKey.objects.all()}
    assert keys == {
        "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ": ("Office 365 E3", 25),
        "W7QCC-MCX3K-J9X3F-96QVT-YR36V": ("Office 365 E3", 100),
        "T9C2Y-6YMPP-GCQ7T-X78KM-BVW6Y": ("Office 365 E3", 100),
        "27P9H-J68XW-2876H-V9CGM-7F8VY": ("Power BI Pro", 10),
        "KQH88-6PMYQ-TH2VP-6J74B-TKCXD": ("Power BI Pro", 20),
        "KFCQB-TWKJX-J7KTQ-M4PMB-QQRJQ": ("Microsoft Intune", 10),
        "W4G2R-T333C-F8V6Y-8DQGF-QJQY4": ("Azure AD Basic", 5),
        "Y3VQD-K8BJ7-PYC7D-MJV43-YF7FT": ("Office 365 E3", 50),
    }
    # Part two: Fabrikam's benefit expires within 60 days, so its key is due in a digest.
    fabrikam = Benefit.objects.get(organization__mpn_id="4711002", product__name="Office 365 E3")
    assert fabrikam.expiration_date == today + timedelta(days=45)
    # A license-based benefit's quantity is the total licenses of its keys.
    for benefit in rows.values():
        if benefit.product.kind == "license":
            assert benefit.quantity == sum(key.licenses for key in benefit.keys.all())


def test_seed_demo_subscriptions():
    seed()
    today = timezone.localdate()
    rows = {
        (s.tenant.primary_domain, s.product.name): (s.seats, s.end_date)
        for s in Subscription.objects.select_related("tenant", "product")
    }
    assert rows == {
        ("contoso.onmicrosoft.com", "Office 365 E3"): (100, today + relativedelta(months=6)),
        ("contoso.onmicrosoft.com", "Power BI Pro"): (5, today + relativedelta(months=2)),
        ("contoso.onmicrosoft.com", "Microsoft Intune"): (10, today - timedelta(days=40)),
        ("fabrikam.onmicrosoft.com", "Office 365 E3"): (50, today + relativedelta(months=3)),
    }
