"""Staff can't move credit or subscriptions out of their organization from the admin: a tenant
in use stays with its organization, a person holding credit stays in its tenants, and bulk
credit goes with no other Azure offer (SPEC 3.3)."""

from __future__ import annotations

from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from accounts.models import AzureOffer, DirectoryUser, Tenant
from accounts.models.organizations import (
    BULK_HOLDER_NO_OTHER_OFFERS,
    HOLDER_STAYS,
    TENANT_HOLDERS_STAY,
    TENANT_SUBSCRIPTIONS_STAY,
)
from accounts.staff_changes import (
    DELETED_MEANWHILE,
    directory_user_save_by_staff,
    tenant_save_by_staff,
)
from benefits.models import CreditAssignment
from benefits.services import credits
from tests.admin_forms import change_form
from tests.conftest import directory_user, run_at_once

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
    assert escape(str(TENANT_SUBSCRIPTIONS_STAY)) in response.content.decode()
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
    assert refused.value.message_dict["organization"] == [str(TENANT_HOLDERS_STAY)]
    assert Tenant.objects.get(pk=lab.pk).organization == contoso


def test_a_person_deleted_while_the_form_was_open_is_not_added_back(contoso):
    opened = directory_user("Alex Wilber")
    DirectoryUser.objects.filter(pk=opened.pk).delete()
    opened.display_name = "Alex W."
    with pytest.raises(ValidationError) as refused:
        directory_user_save_by_staff(person=opened)
    assert refused.value.messages == [str(DELETED_MEANWHILE)]
    assert not DirectoryUser.objects.filter(pk=opened.pk).exists()


# --- At the same moment: staff's move and the portal's credit change take turns --------------

ROUNDS = 6


def _stray_holders() -> list[str]:
    """People holding credit of another organization than their tenant's."""
    strays = CreditAssignment.objects.exclude(
        benefit__organization=F("directory_user__tenant__organization")
    )
    return list(strays.values_list("directory_user__display_name", flat=True))


def _race(save, benefit, person: DirectoryUser, admin) -> None:
    """Staff's ``save()`` and the assignment of ``person``'s credit, released together: either
    may be refused, nothing else may fail, and nobody ends up holding another organization's
    credit."""

    def one_side(index: int):
        if index == 0:
            return save()
        return credits.credit_assign(
            benefit=benefit, directory_user=person, actor=admin, today=timezone.localdate()
        )

    outcomes = run_at_once(2, one_side)
    failed = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, ValidationError) for o in failed), failed
    assert _stray_holders() == []


def test_a_tenant_moved_as_its_person_is_given_credit_never_takes_the_credit_along(
    postgres, monthly_credit, contoso_admin, contoso, fabrikam
):
    lab = contoso.tenants.get(primary_domain="contosolab.onmicrosoft.com")
    runner = directory_user("Lab Runner")
    for _ in range(ROUNDS):
        Tenant.objects.filter(pk=lab.pk).update(organization=contoso)
        CreditAssignment.objects.filter(directory_user=runner).delete()
        checked = Tenant.objects.get(pk=lab.pk)  # the form checked it: nobody held credit
        checked.organization = fabrikam
        _race(partial(tenant_save_by_staff, tenant=checked), monthly_credit, runner, contoso_admin)


def test_a_person_moved_as_they_are_given_credit_never_takes_the_credit_along(
    postgres, monthly_credit, contoso_admin, contoso, fabrikam_tenant
):
    home = contoso.tenants.get(primary_domain="contoso.onmicrosoft.com")
    adele = directory_user("Adele Vance")
    for _ in range(ROUNDS):
        DirectoryUser.objects.filter(pk=adele.pk).update(tenant=home)
        CreditAssignment.objects.filter(directory_user=adele).delete()
        checked = DirectoryUser.objects.get(pk=adele.pk)  # the form checked it: no credit
        checked.tenant = fabrikam_tenant
        save = partial(directory_user_save_by_staff, person=checked)
        _race(save, monthly_credit, adele, contoso_admin)
