"""Staff can't move credit or subscriptions out of their organization from the admin: a tenant
in use stays with its organization, a person holding credit stays in its tenants, and bulk
credit goes with no other Azure offer (SPEC 3.3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from accounts.models import AzureOffer, DirectoryUser, Tenant
from accounts.models.organizations import (
    BULK_HOLDER_NO_OTHER_OFFERS,
    HOLDER_STAYS,
    TENANT_IN_USE_STAYS,
)
from accounts.staff_changes import directory_user_save_by_staff, tenant_save_by_staff
from benefits.services import credits
from tests.admin_forms import change_form
from tests.conftest import directory_user

pytestmark = pytest.mark.django_db


def _post(staff_client, model: str, pk: int, **changes):
    address, data = change_form(staff_client, model, pk)
    data.update({field: [str(value)] for field, value in changes.items()})
    return staff_client.post(address, data)


def _hold(benefit, name: str, admin) -> DirectoryUser:
    person = directory_user(name)
    credits.credit_assign(
        benefit=benefit, directory_user=person, actor=admin, today=timezone.localdate()
    )
    return person


@pytest.fixture
def fabrikam_tenant(fabrikam) -> Tenant:
    return fabrikam.tenants.first()


def test_a_tenant_with_subscriptions_stays_with_its_organization(staff_client, contoso, fabrikam):
    tenant = contoso.tenants.get(primary_domain="contoso.onmicrosoft.com")
    assert tenant.subscriptions.exists()
    response = _post(staff_client, "accounts_tenant", tenant.pk, organization=fabrikam.pk)
    assert response.status_code == 200
    assert escape(str(TENANT_IN_USE_STAYS)) in response.content.decode()
    assert Tenant.objects.get(pk=tenant.pk).organization == contoso


def test_a_tenant_nobody_uses_may_move(staff_client, contoso, fabrikam):
    tenant = Tenant.objects.create(
        organization=contoso, display_name="Contoso Test", primary_domain="contosotest.example"
    )
    response = _post(staff_client, "accounts_tenant", tenant.pk, organization=fabrikam.pk)
    assert response.status_code == 302
    assert Tenant.objects.get(pk=tenant.pk).organization == fabrikam


def test_a_credit_holder_stays_in_their_organizations_tenants(
    staff_client, monthly_credit, contoso_admin, fabrikam_tenant
):
    person = _hold(monthly_credit, "Adele Vance", contoso_admin)
    response = _post(staff_client, "accounts_directoryuser", person.pk, tenant=fabrikam_tenant.pk)
    assert response.status_code == 200
    assert escape(str(HOLDER_STAYS)) in response.content.decode()
    assert DirectoryUser.objects.get(pk=person.pk).tenant_id == person.tenant_id


def test_a_credit_holder_may_move_between_their_organizations_tenants(
    staff_client, monthly_credit, contoso_admin, contoso
):
    person = _hold(monthly_credit, "Adele Vance", contoso_admin)
    lab = contoso.tenants.get(primary_domain="contosolab.onmicrosoft.com")
    response = _post(staff_client, "accounts_directoryuser", person.pk, tenant=lab.pk)
    assert response.status_code == 302
    assert DirectoryUser.objects.get(pk=person.pk).tenant == lab


@pytest.mark.parametrize(("credit", "refused"), [("bulk_credit", True), ("monthly_credit", False)])
def test_bulk_credit_goes_with_no_other_offer(
    staff_client, contoso_admin, request, credit, refused
):
    person = _hold(request.getfixturevalue(credit), "Adele Vance", contoso_admin)
    response = _post(
        staff_client, "accounts_directoryuser", person.pk, other_offers=AzureOffer.AZURE_PASS
    )
    assert (escape(str(BULK_HOLDER_NO_OTHER_OFFERS)) in response.content.decode()) is refused
    offers = DirectoryUser.objects.get(pk=person.pk).other_offers
    assert offers == ([] if refused else [AzureOffer.AZURE_PASS])


# --- Checked again when saved: the form's check ran before the portal's change ---------------


@pytest.mark.parametrize("checked_again", [True, False])
def test_credit_assigned_after_the_form_was_checked_is_not_carried_away(
    monthly_credit, contoso_admin, fabrikam_tenant, checked_again, monkeypatch
):
    """The form checked Adele's move before she held credit; the portal assigned it before the
    save. Checked again under lock, the move is refused; the control (no second check) carries
    Contoso's credit into Fabrikam's tenant."""
    moving = directory_user("Adele Vance")
    moving.tenant = fabrikam_tenant
    _hold(monthly_credit, "Adele Vance", contoso_admin)
    if not checked_again:
        monkeypatch.setattr(DirectoryUser, "clean", lambda self: None)
        directory_user_save_by_staff(person=moving)
        assert DirectoryUser.objects.get(pk=moving.pk).tenant == fabrikam_tenant
        return
    with pytest.raises(ValidationError) as refused:
        directory_user_save_by_staff(person=moving)
    assert refused.value.message_dict["tenant"] == [str(HOLDER_STAYS)]
    assert DirectoryUser.objects.get(pk=moving.pk).tenant != fabrikam_tenant


def test_a_tenant_whose_person_got_credit_after_the_form_was_checked_stays(
    monthly_credit, contoso_admin, contoso, fabrikam
):
    lab = contoso.tenants.get(primary_domain="contosolab.onmicrosoft.com")
    assert not lab.subscriptions.exists()
    lab.organization = fabrikam
    _hold(monthly_credit, "Lab Runner", contoso_admin)
    with pytest.raises(ValidationError) as refused:
        tenant_save_by_staff(tenant=lab)
    assert refused.value.message_dict["organization"] == [str(TENANT_IN_USE_STAYS)]
    assert Tenant.objects.get(pk=lab.pk).organization == contoso
