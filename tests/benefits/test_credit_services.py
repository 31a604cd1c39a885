"""Azure credit services: each rule of SPEC 3.3 with its message, and the activity record
written with the change (and not on refusal)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from accounts.models import AzureOffer
from benefits.models import Activity, Benefit, CreditAssignment
from benefits.services import credits
from benefits.services.credits import (
    ALREADY_HOLDS_OTHER,
    ALREADY_HOLDS_THIS,
    BULK_NOT_REMOVABLE,
    CONSUMER_DOMAIN,
    DISABLED,
    EXPIRED,
    MONTHLY_NOT_TRANSFERABLE,
    NOT_A_HOLDER,
    NOT_CREDIT,
    OTHER_OFFER,
    PERSON_GONE,
    seats_full_message,
)
from tests.conftest import directory_user, refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def assign(contoso_admin):
    """assign(benefit, "Adele Vance"): the service, as Contoso's admin, today."""

    def assign(benefit: Benefit, name: str) -> Activity:
        return credits.credit_assign(
            benefit=benefit,
            directory_user=directory_user(name),
            actor=contoso_admin,
            today=timezone.localdate(),
        )

    return assign


@pytest.fixture
def remove(contoso_admin):
    def remove(benefit: Benefit, name: str) -> None:
        credits.credit_remove(
            benefit=benefit,
            directory_user=directory_user(name),
            actor=contoso_admin,
            today=timezone.localdate(),
        )

    return remove


@pytest.fixture
def transfer(contoso_admin, bulk_credit):
    def transfer(holder: str, to: str, benefit: Benefit | None = None) -> Activity:
        return credits.credit_transfer(
            benefit=benefit or bulk_credit,
            holder=directory_user(holder),
            to=directory_user(to),
            actor=contoso_admin,
            today=timezone.localdate(),
        )

    return transfer


def expire(benefit: Benefit) -> str:
    """Make ``benefit`` expire yesterday; return the refusal every change then gets."""
    yesterday = timezone.localdate() - timedelta(days=1)
    Benefit.objects.filter(pk=benefit.pk).update(expiration_date=yesterday)
    return EXPIRED % {"date": formats.date_format(yesterday)}


# --- Assign ------------------------------------------------------------------------------------


def test_assigning_monthly_credit_records_the_activity(assign, monthly_credit, contoso_admin):
    assignment = assign(monthly_credit, "Adele Vance")
    assert assignment.benefit == monthly_credit
    record = Activity.objects.get()
    assert record.kind == Activity.Kind.CREDIT_ASSIGNED
    assert record.actor_email == contoso_admin.email
    assert record.directory_user == directory_user("Adele Vance")
    assert record.before == {"product": monthly_credit.product.name}
    assert record.after["holder"]["name"] == "Adele Vance"


def test_guests_of_the_tenant_can_hold_credit(assign, monthly_credit):
    assign(monthly_credit, "Lee Gu")
    assert CreditAssignment.objects.filter(directory_user__display_name="Lee Gu").exists()


def test_people_of_every_tenant_of_the_organization_can_hold_credit(assign, monthly_credit):
    assign(monthly_credit, "Lab Runner")
    assert CreditAssignment.objects.filter(directory_user__display_name="Lab Runner").exists()


def test_disabled_people_are_refused(assign, monthly_credit):
    message = refusal(lambda: assign(monthly_credit, "Diego Siciliani"))
    assert message == DISABLED % {"name": "Diego Siciliani", "tenant": "contoso.onmicrosoft.com"}


def test_consumer_addresses_are_refused(assign, monthly_credit):
    message = refusal(lambda: assign(monthly_credit, "Pat Doe"))
    assert message == CONSUMER_DOMAIN % {
        "name": "Pat Doe",
        "address": "pat.doe@gmail.com",
        "domain": "gmail.com",
    }


def test_a_full_credit_says_remove_someone_first(assign, monthly_credit):
    assign(monthly_credit, "Adele Vance")
    assign(monthly_credit, "Alex Wilber")
    message = refusal(lambda: assign(monthly_credit, "Lee Gu"))
    assert message == seats_full_message(monthly_credit)
    assert CreditAssignment.objects.count() == 2


def test_the_full_message_counts_the_seats_and_says_what_to_do(monthly_credit, bulk_credit):
    # Monthly credit frees a seat by removing someone; bulk credit only by a transfer.
    assert seats_full_message(monthly_credit) != seats_full_message(bulk_credit)
    assert str(monthly_credit.quantity) in seats_full_message(monthly_credit)


def test_one_credit_per_person_names_the_credit_held(assign, monthly_credit, bulk_credit):
    assign(bulk_credit, "Alex Wilber")
    message = refusal(lambda: assign(monthly_credit, "Alex Wilber"))
    assert message == ALREADY_HOLDS_OTHER % {
        "name": "Alex Wilber",
        "credit": bulk_credit.product.name,
    }


def test_holding_the_same_credit_twice_is_refused(assign, monthly_credit):
    assign(monthly_credit, "Adele Vance")
    message = refusal(lambda: assign(monthly_credit, "Adele Vance"))
    assert message == ALREADY_HOLDS_THIS % {"name": "Adele Vance"}


def test_bulk_credit_cannot_be_combined_with_other_offers(assign, bulk_credit):
    message = refusal(lambda: assign(bulk_credit, "Megan Bowen"))
    assert message == OTHER_OFFER % {"name": "Megan Bowen", "offer": AzureOffer.AZURE_PASS.label}


def test_monthly_credit_can_go_to_people_with_other_offers(assign, monthly_credit):
    assign(monthly_credit, "Megan Bowen")
    assert CreditAssignment.objects.filter(directory_user__display_name="Megan Bowen").exists()


def test_an_expired_credit_cannot_be_changed(assign, monthly_credit):
    expired = expire(monthly_credit)
    assert refusal(lambda: assign(monthly_credit, "Adele Vance")) == expired


def test_license_benefits_are_not_assigned_to_people(assign, office_benefit):
    assert refusal(lambda: assign(office_benefit, "Adele Vance")) == str(NOT_CREDIT)


def test_refusals_leave_no_trace(assign, monthly_credit):
    for name in ["Diego Siciliani", "Pat Doe"]:
        with pytest.raises(ValidationError):
            assign(monthly_credit, name)
    assert not CreditAssignment.objects.exists()
    assert not Activity.objects.exists()


def test_people_of_another_organization_cannot_be_given_credit(monthly_credit, contoso_admin):
    from tests.accounts.factories import DirectoryUserFactory, TenantFactory

    stranger = DirectoryUserFactory.create(tenant=TenantFactory())
    message = refusal(
        lambda: credits.credit_assign(
            benefit=monthly_credit,
            directory_user=stranger,
            actor=contoso_admin,
            today=timezone.localdate(),
        )
    )
    assert message == str(PERSON_GONE)
    assert not CreditAssignment.objects.exists()


def test_a_person_deleted_meanwhile_is_a_refusal_not_an_error(monthly_credit, contoso_admin):
    from tests.accounts.factories import DirectoryUserFactory

    person = DirectoryUserFactory.create(tenant=contoso_admin.organization.tenants.first())
    type(person).objects.filter(pk=person.pk).delete()
    message = refusal(
        lambda: credits.credit_assign(
            benefit=monthly_credit,
            directory_user=person,
            actor=contoso_admin,
            today=timezone.localdate(),
        )
    )
    assert message == str(PERSON_GONE)


# --- Remove ------------------------------------------------------------------------------------


def test_removing_monthly_credit_frees_the_seat_and_records_it(assign, remove, monthly_credit):
    assign(monthly_credit, "Adele Vance")
    remove(monthly_credit, "Adele Vance")
    assert not CreditAssignment.objects.exists()
    record = Activity.objects.filter(kind=Activity.Kind.CREDIT_REMOVED).get()
    assert record.before["holder"]["upn"] == "adelev@contoso.onmicrosoft.com"


def test_bulk_credit_cannot_be_removed(assign, remove, bulk_credit):
    assign(bulk_credit, "Alex Wilber")
    assert refusal(lambda: remove(bulk_credit, "Alex Wilber")) == str(BULK_NOT_REMOVABLE)
    assert CreditAssignment.objects.count() == 1
    assert not Activity.objects.filter(kind=Activity.Kind.CREDIT_REMOVED).exists()


def test_removing_someone_who_holds_nothing_is_refused(remove, monthly_credit):
    assert refusal(lambda: remove(monthly_credit, "Adele Vance")) == str(NOT_A_HOLDER)
    assert not Activity.objects.exists()


def test_an_expired_monthly_credit_keeps_its_holders(assign, remove, monthly_credit):
    assign(monthly_credit, "Adele Vance")
    expired = expire(monthly_credit)
    assert refusal(lambda: remove(monthly_credit, "Adele Vance")) == expired
    assert CreditAssignment.objects.count() == 1


@pytest.mark.parametrize(
    ("scene", "benefit_name", "expected"),
    [
        ("holder", "monthly", ""),
        ("holder", "bulk", str(BULK_NOT_REMOVABLE)),
        ("nobody", "monthly", str(NOT_A_HOLDER)),
        ("expired", "monthly", "expired"),
    ],
)
def test_the_confirmation_refuses_exactly_what_the_removal_refuses(
    assign, remove, monthly_credit, bulk_credit, scene, benefit_name, expected
):
    """credit_remove_refusal (the confirmation page) and credit_remove share one check."""
    benefit = {"monthly": monthly_credit, "bulk": bulk_credit}[benefit_name]
    if scene != "nobody":
        assign(benefit, "Alex Wilber")
    if scene == "expired":
        expected = expire(benefit)
        benefit.refresh_from_db()
    said = credits.credit_remove_refusal(
        benefit=benefit, directory_user=directory_user("Alex Wilber"), today=timezone.localdate()
    )
    assert said == expected
    if expected:
        assert refusal(lambda: remove(benefit, "Alex Wilber")) == said
    else:
        remove(benefit, "Alex Wilber")
        assert not CreditAssignment.objects.exists()


# --- Transfer ----------------------------------------------------------------------------------


def test_transferring_bulk_credit_moves_it_and_records_both_people(assign, transfer, bulk_credit):
    assign(bulk_credit, "Alex Wilber")
    transfer("Alex Wilber", "Adele Vance")
    assert CreditAssignment.objects.get().directory_user == directory_user("Adele Vance")
    record = Activity.objects.get(kind=Activity.Kind.CREDIT_TRANSFERRED)
    assert record.before["holder"]["name"] == "Alex Wilber"
    assert record.after["holder"]["name"] == "Adele Vance"


def test_a_transfer_checks_the_new_holder_like_an_assignment(assign, transfer, bulk_credit):
    assign(bulk_credit, "Alex Wilber")
    assert refusal(lambda: transfer("Alex Wilber", "Megan Bowen")) == OTHER_OFFER % {
        "name": "Megan Bowen",
        "offer": AzureOffer.AZURE_PASS.label,
    }
    assert refusal(lambda: transfer("Alex Wilber", "Diego Siciliani")) == DISABLED % {
        "name": "Diego Siciliani",
        "tenant": "contoso.onmicrosoft.com",
    }
    assert CreditAssignment.objects.get().directory_user == directory_user("Alex Wilber")
    assert Activity.objects.filter(kind=Activity.Kind.CREDIT_TRANSFERRED).count() == 0


def test_monthly_credit_is_not_transferred(assign, transfer, monthly_credit):
    assign(monthly_credit, "Alex Wilber")
    message = refusal(lambda: transfer("Alex Wilber", "Adele Vance", benefit=monthly_credit))
    assert message == str(MONTHLY_NOT_TRANSFERABLE)


def test_a_transfer_after_the_expiration_date_is_refused(assign, transfer, bulk_credit):
    assign(bulk_credit, "Alex Wilber")
    expired = expire(bulk_credit)
    assert refusal(lambda: transfer("Alex Wilber", "Adele Vance")) == expired
    assert CreditAssignment.objects.get().directory_user == directory_user("Alex Wilber")
