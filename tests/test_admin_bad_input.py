"""What the admin's forms do with input no person would type: a form error, never a 500."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from accounts.models import DirectoryUser, Tenant
from accounts.models.organizations import TENANT_DOMAIN
from benefits.models import Benefit, ProductKey, Subscription
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db

# An id no database column holds: SQLite refuses to even look it up.
FORGED_ID = "99999999999999999999"
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.mark.parametrize(
    ("model", "admin_name", "field"),
    [
        (Benefit, "benefits_benefit", "organization"),
        (Benefit, "benefits_benefit", "product"),
        (Subscription, "benefits_subscription", "tenant"),
        (Subscription, "benefits_subscription", "product"),
        (ProductKey, "benefits_productkey", "benefit"),
        (DirectoryUser, "accounts_directoryuser", "tenant"),
        (Tenant, "accounts_tenant", "organization"),
    ],
)
def test_a_forged_id_in_a_searchable_select_is_a_form_error(staff_client, model, admin_name, field):
    instance = model.objects.order_by("pk").first()
    address, data = change_form(staff_client, admin_name, instance.pk)
    data[field] = [FORGED_ID]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert escape(INVALID_CHOICE) in response.content.decode()


@pytest.mark.parametrize("domain", ["x..y", "-contoso.com", "contoso", "exämple.com", "a b.com"])
def test_a_tenant_domain_azure_ad_would_never_show_is_refused(staff_client, domain):
    tenant = Tenant.objects.order_by("pk")[0]
    address, data = change_form(staff_client, "accounts_tenant", tenant.pk)
    data["primary_domain"] = [domain]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert escape(str(TENANT_DOMAIN)) in response.content.decode()
    assert Tenant.objects.get(pk=tenant.pk).primary_domain != domain
