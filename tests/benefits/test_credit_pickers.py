"""The people pickers say at once when whoever is chosen would be refused, as the removal's
confirmation does: a benefit that is no Azure credit, monthly credit to transfer, a holder who
no longer holds it. A transfer checks its holder before the person chosen."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.html import escape

from benefits.services import credits
from benefits.services.credits import MONTHLY_NOT_TRANSFERABLE, NOT_A_HOLDER, NOT_CREDIT
from tests.conftest import HTMX, directory_user, refusal, url

pytestmark = pytest.mark.django_db


def page(client, address: str, **headers) -> str:
    response = client.get(address, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def transfer_picker(benefit, name: str) -> str:
    return url("benefits:credit_transfer_picker", benefit.pk, directory_user(name).pk)


def test_a_license_benefit_has_no_one_to_assign(contoso_client, office_benefit):
    shown = page(contoso_client, url("benefits:credit_picker", office_benefit.pk))
    assert escape(str(NOT_CREDIT)) in shown
    assert 'role="search"' not in shown


def test_monthly_credit_has_no_transfer_picker(contoso_client, monthly_credit):
    shown = page(contoso_client, transfer_picker(monthly_credit, "Alex Wilber"))
    assert escape(str(MONTHLY_NOT_TRANSFERABLE)) in shown


def test_a_credit_with_every_seat_held_says_so_before_anyone_is_chosen(
    contoso_client, contoso_admin, bulk_credit
):
    """Its one seat held: an assignment would be refused whoever it went to."""
    today = timezone.localdate()
    alex = directory_user("Alex Wilber")
    credits.credit_assign(
        benefit=bulk_credit, directory_user=alex, actor=contoso_admin, today=today
    )
    assert bulk_credit.assignments.count() == bulk_credit.quantity == 1
    shown = page(contoso_client, url("benefits:credit_picker", bulk_credit.pk))
    assert escape(credits.seats_full_message(bulk_credit)) in shown
    assert 'role="search"' not in shown


def test_a_held_credit_with_a_free_seat_offers_the_search(contoso_client, monthly_credit):
    assert monthly_credit.assignments.count() < monthly_credit.quantity
    assert 'role="search"' in page(contoso_client, url("benefits:credit_picker", monthly_credit.pk))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_someone_who_holds_no_credit_has_nothing_to_transfer(contoso_client, bulk_credit, headers):
    shown = page(contoso_client, transfer_picker(bulk_credit, "Alex Wilber"), **headers)
    assert escape(str(NOT_A_HOLDER)) in shown
    assert 'role="search"' not in shown


def test_the_search_of_a_refused_transfer_lists_nobody(contoso_client, bulk_credit):
    address = transfer_picker(bulk_credit, "Alex Wilber") + "?q=me"
    headers = {**HTMX, "HX-Target": f"picker-results-{bulk_credit.pk}"}
    shown = page(contoso_client, address, **headers)
    assert escape(str(NOT_A_HOLDER)) in shown
    assert "Megan" not in shown


def test_a_transfer_from_someone_who_holds_nothing_says_so_first(bulk_credit, contoso_admin):
    """Before: moving Alex, who holds nothing, to Alex said he "already holds this credit"."""
    alex = directory_user("Alex Wilber")
    message = refusal(
        lambda: credits.credit_transfer(
            benefit=bulk_credit,
            holder=alex,
            to=alex,
            actor=contoso_admin,
            today=timezone.localdate(),
        )
    )
    assert message == str(NOT_A_HOLDER)


def test_a_transfer_from_holder_0_is_404(contoso_client, bulk_credit):
    """No person has id 0: not the assignment picker in disguise."""
    address = url("benefits:credit_transfer_picker", bulk_credit.pk, 0)
    assert contoso_client.get(address).status_code == 404
