"""What the admin's forms do with input no person would type: a form error, never a 500."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

from accounts.models import DirectoryUser, Tenant
from accounts.models.organizations import TENANT_DOMAIN
from benefits.models import Benefit, ProductKey, Subscription
from common.admin import NO_SUCH_SELECTION, PortalAdmin
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
# An id no column holds, and values that are no id at all: Django looks each up to show it again.
@pytest.mark.parametrize("posted", [FORGED_ID, "1.5", " x", "x", "-1", "NaN", "1e3", "1;2"])
def test_a_forged_id_in_a_searchable_select_is_a_form_error(
    staff_client, model, admin_name, field, posted
):
    instance = model.objects.order_by("pk").first()
    address, data = change_form(staff_client, admin_name, instance.pk)
    data[field] = [posted]
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


@pytest.mark.parametrize(
    ("admin_name", "query"),
    [
        ("benefits_benefit", "expiration_date__year=9999"),
        ("benefits_benefit", f"expiration_date__year={FORGED_ID}"),
        ("benefits_activity", "created_at__year=9999"),
        ("benefits_activity", "created_at__year=2026&created_at__month=13"),
        ("webhooks_webhookdelivery", "created_at__year=9999&created_at__month=12"),
        ("notifications_noticesent", "digest_date__year=9999"),
        ("accounts_outgoingmail", "created_at__year=0"),
        # django-axes' own pages list sign-in attempts by day.
        ("axes_accessattempt", "attempt_time__year=9999"),
        ("axes_accesslog", "attempt_time__year=9999&attempt_time__month=12"),
        ("axes_accessfailurelog", "attempt_time__year=9999"),
    ],
)
def test_a_date_the_calendar_cannot_hold_is_an_incorrect_filter(staff_client, admin_name, query):
    """Django's own answer to a wrong filter: the list again, flagged (?e=1)."""
    response = staff_client.get(f"{reverse(f'admin:{admin_name}_changelist')}?{query}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


ADMIN_PAGES = [model for model in apps.get_models() if admin.site.is_registered(model)]


@pytest.mark.parametrize("model", ADMIN_PAGES, ids=lambda model: model._meta.label)
def test_every_admin_page_is_on_the_portals_base(model):
    """The libraries' pages too (groups, axes, allauth): each answer below holds on every page."""
    assert isinstance(admin.site.get_model_admin(model), PortalAdmin)


@pytest.mark.parametrize("selected", ["abc", "1.5", "\x00", FORGED_ID, "-1"])
def test_a_bulk_action_on_a_selection_no_row_can_have_is_refused(staff_client, selected):
    count = Benefit.objects.count()
    response = staff_client.post(
        reverse("admin:benefits_benefit_changelist"),
        {"action": "delete_selected", "index": "0", "_selected_action": [selected]},
        follow=True,
    )
    assert response.status_code == 200
    assert str(NO_SUCH_SELECTION) in [str(message) for message in response.context["messages"]]
    assert Benefit.objects.count() == count


@pytest.mark.parametrize(
    "admin_name",
    ["auth_group", "account_emailaddress", "mfa_authenticator", "axes_accessattempt"],
)
def test_the_libraries_pages_refuse_such_a_selection_too(staff_client, admin_name):
    response = staff_client.post(
        reverse(f"admin:{admin_name}_changelist"),
        {"action": "delete_selected", "index": "0", "_selected_action": ["abc"]},
        follow=True,
    )
    assert response.status_code == 200
    assert str(NO_SUCH_SELECTION) in [str(message) for message in response.context["messages"]]


def test_a_many_to_many_id_no_column_holds_is_a_form_error(staff_client, staff):
    """A group's permissions and a member's groups: SQLite can't even look such an id up."""
    response = staff_client.post(
        reverse("admin:auth_group_add"), {"name": "Auditors", "permissions": [FORGED_ID]}
    )
    assert response.status_code == 200
    assert f"“{FORGED_ID}” is not a valid value." in response.content.decode()

    address, data = change_form(staff_client, "accounts_user", staff.pk)
    data["groups"] = [FORGED_ID]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert f"“{FORGED_ID}” is not a valid value." in response.content.decode()
