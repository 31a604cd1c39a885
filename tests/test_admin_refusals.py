"""What the database refuses is told in the admin in words that say what to do: the rule's own
message rather than "Constraint … is violated", and never a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import DirectoryUser, Organization, Tenant, User
from accounts.models.organizations import ONE_PRIMARY_TENANT
from accounts.models.users import EMAIL_TAKEN, ROLES_NEED_ORGANIZATION
from benefits.models import Benefit, ProductKey, Subscription
from benefits.models.product_keys import KEY_NEEDS_LICENSE_BENEFIT
from benefits.models.subscriptions import ENDS_BEFORE_START
from benefits.services import credits
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db


def test_two_primary_tenants_in_one_save_are_refused_with_what_to_do(staff_client):
    contoso = Organization.objects.get(mpn_id="4711001")
    assert contoso.tenants.count() >= 2
    address, data = change_form(staff_client, "accounts_organization", contoso.pk)
    for index in range(int(data["tenants-TOTAL_FORMS"][0])):
        data[f"tenants-{index}-is_primary"] = ["on"]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert str(ONE_PRIMARY_TENANT) in response.content.decode()
    assert contoso.tenants.filter(is_primary=True).count() == 1


def test_the_primary_tenant_moves_in_one_save(staff_client):
    contoso = Organization.objects.get(mpn_id="4711001")
    primary = contoso.tenants.get(is_primary=True)
    address, data = change_form(staff_client, "accounts_organization", contoso.pk)
    for index in range(int(data["tenants-TOTAL_FORMS"][0])):
        ticked = data.pop(f"tenants-{index}-is_primary", None)
        if not ticked:
            data[f"tenants-{index}-is_primary"] = ["on"]
    response = staff_client.post(address, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Tenant.objects.get(pk=primary.pk).is_primary is False
    assert contoso.tenants.filter(is_primary=True).count() == 1


def test_a_subscription_ending_before_it_starts_is_told_why(staff_client):
    subscription = Subscription.objects.filter(tenant__organization__mpn_id="4711001").first()
    assert subscription is not None
    address, data = change_form(staff_client, "benefits_subscription", subscription.pk)
    data["end_date"] = [(subscription.start_date - timedelta(days=1)).isoformat()]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "subscription_ends_after_start" not in page
    assert escape(str(ENDS_BEFORE_START)) in page


@pytest.mark.parametrize(
    ("model", "admin_class"),
    [
        ("accounts_organization", "accounts.admin.OrganizationAdmin"),
        ("accounts_tenant", "accounts.admin.TenantAdmin"),
        ("benefits_benefit", "benefits.admin.catalog.BenefitAdmin"),
        ("benefits_product", "benefits.admin.catalog.ProductAdmin"),
    ],
)
def test_a_deletion_refused_says_what_to_do_instead(staff_client, model, admin_class):
    """Each of these holds, or is held by, a credit seat given in the portal."""
    from django.utils.module_loading import import_string

    monthly = Benefit.objects.get(
        organization__mpn_id="4711001", credit_period=Benefit.Period.MONTHLY
    )
    adele = DirectoryUser.objects.get(display_name="Adele Vance")
    credits.credit_assign(
        benefit=monthly,
        directory_user=adele,
        actor=User.objects.get(email="admin@contoso.example"),
        today=timezone.localdate(),
    )
    pk = {
        "accounts_organization": monthly.organization_id,
        "accounts_tenant": adele.tenant_id,
        "benefits_benefit": monthly.pk,
        "benefits_product": monthly.product_id,
    }[model]
    page = staff_client.get(reverse(f"admin:{model}_delete", args=[pk])).content.decode()
    help_text = str(import_string(admin_class).delete_refused_help)
    assert escape(help_text) in page


def test_a_key_for_azure_credit_is_refused_in_the_admin(staff_client):
    monthly = Benefit.objects.get(
        organization__mpn_id="4711001", credit_period=Benefit.Period.MONTHLY
    )
    response = staff_client.post(
        reverse("admin:benefits_productkey_add"),
        {"benefit": monthly.pk, "key": "BCDFG-HJKMP-QRTVW-XY234-6789B", "licenses": 5},
    )
    assert response.status_code == 200
    assert escape(str(KEY_NEEDS_LICENSE_BENEFIT)) in response.content.decode()
    assert not ProductKey.objects.filter(key="BCDFG-HJKMP-QRTVW-XY234-6789B").exists()


def test_an_address_taken_in_another_letter_case_is_told(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ADMIN@CONTOSO.EXAMPLE",
            "usable_password": "true",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
    )
    assert response.status_code == 200
    assert escape(str(EMAIL_TAKEN)) in response.content.decode()


def test_a_member_with_roles_needs_an_organization(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "orphan@partner.example",
            "usable_password": "true",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "roles": ["global_admin"],
        },
    )
    assert response.status_code == 200
    assert escape(str(ROLES_NEED_ORGANIZATION)) in response.content.decode()
    assert not User.objects.filter(email="orphan@partner.example").exists()
