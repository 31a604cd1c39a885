"""Azure credit screens: the picker, assign, remove and transfer with and without htmx, roles,
and another organization's ids."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from accounts.models import User
from benefits.models import Activity, CreditAssignment
from benefits.services import credits
from benefits.services.credits import (
    ALREADY_HOLDS_THIS,
    BULK_NOT_REMOVABLE,
    CONSUMER_DOMAIN,
)
from benefits.views.credits import ASSIGNED, REMOVED
from tests.conftest import HTMX, directory_user, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def holds(contoso_admin):
    """holds(benefit, "Alex Wilber"): give the person the credit through the service."""
    from django.utils import timezone

    def holds(benefit, name: str) -> None:
        credits.credit_assign(
            benefit=benefit,
            directory_user=directory_user(name),
            actor=contoso_admin,
            today=timezone.localdate(),
        )

    return holds


def detail(benefit) -> str:
    return url("benefits:benefit_detail", benefit.pk)


def picker(benefit) -> str:
    return url("benefits:credit_picker", benefit.pk)


def assign_url(benefit) -> str:
    return url("benefits:credit_assign", benefit.pk)


def remove_url(benefit, name: str) -> str:
    return url("benefits:credit_remove", benefit.pk, directory_user(name).pk)


def test_the_picker_finds_enabled_people_by_name_or_address_prefix(contoso_client, monthly_credit):
    found = contoso_client.get(picker(monthly_credit), {"q": "AL"}, headers=HTMX).content.decode()
    assert "Alex Wilber" in found
    assert "Adele Vance" not in found
    by_address = contoso_client.get(
        picker(monthly_credit), {"q": "lee.gu@"}, headers=HTMX
    ).content.decode()
    assert "Lee Gu" in by_address
    assert "contoso.onmicrosoft.com" in by_address
    assert "Guest" in by_address
    disabled = contoso_client.get(
        picker(monthly_credit), {"q": "diego"}, headers=HTMX
    ).content.decode()
    assert "Diego" not in disabled.replace("“diego”", "")


@pytest.mark.parametrize(
    "text", ["", "a", " ", "x" * 20_000, "<script>alert(1)</script>", "%_", "ad\x00", "\x00\x1b[2J"]
)
def test_the_picker_takes_any_text_without_error(contoso_client, monthly_credit, text):
    response = contoso_client.get(picker(monthly_credit), {"q": text})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_picker_never_shows_people_of_another_organization(fabrikam_client, fabrikam):
    fabrikam_benefit = fabrikam.benefits.get()
    page = fabrikam_client.get(picker(fabrikam_benefit), {"q": "ad"}).content.decode()
    assert "Adele" not in page


def test_the_picker_searches_what_is_left_after_trimming(contoso_client, monthly_credit):
    page = contoso_client.get(picker(monthly_credit), {"q": "a "}).content.decode()
    assert "Nobody enabled" not in page
    assert "Type at least 2 characters" in page


def test_remove_is_not_offered_for_bulk_credit_even_by_address(contoso_client, holds, bulk_credit):
    holds(bulk_credit, "Alex Wilber")
    page = contoso_client.get(remove_url(bulk_credit, "Alex Wilber")).content.decode()
    assert escape(str(BULK_NOT_REMOVABLE)) in page
    assert "<form" not in page.split('id="main"', 1)[1].split("</main>")[0]


def test_assigning_with_htmx_rerenders_the_area_in_place(contoso_client, monthly_credit):
    response = contoso_client.post(
        assign_url(monthly_credit),
        {"directory_user": directory_user("Adele Vance").pk},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    pk = monthly_credit.pk
    assert f'<div id="user-assignment-{pk}" class="pb-assignment">' in body
    # The outcome also goes to the live region that stays on the page.
    notice = escape(ASSIGNED % {"name": "Adele Vance"})
    assert f'<div id="assignment-status-{pk}" hx-swap-oob="innerHTML">{notice}' in body
    assert "1 of 2 seats assigned." in body


def test_a_refusal_with_htmx_shows_the_reason_in_the_area(contoso_client, monthly_credit):
    response = contoso_client.post(
        assign_url(monthly_credit),
        {"directory_user": directory_user("Pat Doe").pk},
        headers=HTMX,
    )
    body = response.content.decode()
    assert 'role="alert"' in body
    reason = CONSUMER_DOMAIN % {
        "name": "Pat Doe",
        "address": "pat.doe@gmail.com",
        "domain": "gmail.com",
    }
    assert escape(reason) in body


def test_assigning_without_javascript_redirects_to_the_details(contoso_client, monthly_credit):
    response = contoso_client.post(
        assign_url(monthly_credit), {"directory_user": directory_user("Adele Vance").pk}
    )
    assert response.status_code == 302
    assert response["Location"] == detail(monthly_credit)
    page = contoso_client.get(response["Location"]).content.decode()
    assert escape(ASSIGNED % {"name": "Adele Vance"}) in page


def test_remove_asks_for_confirmation_first(contoso_client, holds, monthly_credit):
    holds(monthly_credit, "Adele Vance")
    address = remove_url(monthly_credit, "Adele Vance")
    page = contoso_client.get(address).content.decode()
    assert f"Remove Adele Vance from {monthly_credit.product.name}?" in page
    assert CreditAssignment.objects.count() == 1
    response = contoso_client.post(address, headers=HTMX)
    assert escape(REMOVED % {"name": "Adele Vance"}) in response.content.decode()
    assert not CreditAssignment.objects.exists()


def test_bulk_credit_shows_transfer_and_no_remove(contoso_client, holds, bulk_credit):
    holds(bulk_credit, "Alex Wilber")
    page = contoso_client.get(detail(bulk_credit)).content.decode()
    assert ">Transfer<" in page
    assert remove_url(bulk_credit, "Alex Wilber") not in page
    assert "/remove/" not in page


def test_a_crafted_post_to_remove_bulk_credit_is_refused(contoso_client, holds, bulk_credit):
    holds(bulk_credit, "Alex Wilber")
    response = contoso_client.post(remove_url(bulk_credit, "Alex Wilber"), headers=HTMX)
    assert escape(str(BULK_NOT_REMOVABLE)) in response.content.decode()
    assert CreditAssignment.objects.count() == 1


def test_transfer_through_the_pages(contoso_client, holds, bulk_credit):
    holds(bulk_credit, "Alex Wilber")
    alex = directory_user("Alex Wilber")
    page = contoso_client.get(
        url("benefits:credit_transfer_picker", bulk_credit.pk, alex.pk), {"q": "ade"}
    ).content.decode()
    assert "Transfer from Alex Wilber" in page
    response = contoso_client.post(
        url("benefits:credit_transfer", bulk_credit.pk, alex.pk),
        {"directory_user": directory_user("Adele Vance").pk},
    )
    assert response.status_code == 302
    assert CreditAssignment.objects.get().directory_user == directory_user("Adele Vance")


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "1 OR 1=1"])
def test_unknown_people_are_404_and_change_nothing(contoso_client, monthly_credit, value):
    response = contoso_client.post(assign_url(monthly_credit), {"directory_user": value})
    assert response.status_code == 404
    assert not Activity.objects.exists()


def test_another_organizations_people_and_benefits_are_404(
    fabrikam_client, fabrikam, monthly_credit
):
    fabrikam_benefit = fabrikam.benefits.get()
    adele = directory_user("Adele Vance")
    response = fabrikam_client.post(assign_url(monthly_credit), {"directory_user": adele.pk})
    assert response.status_code == 404
    assert fabrikam_client.get(picker(monthly_credit)).status_code == 404
    response = fabrikam_client.post(assign_url(fabrikam_benefit), {"directory_user": adele.pk})
    assert response.status_code == 404
    assert not CreditAssignment.objects.exists()


def test_a_double_submitted_assignment_assigns_once(contoso_client, monthly_credit):
    data = {"directory_user": directory_user("Adele Vance").pk}
    contoso_client.post(assign_url(monthly_credit), data, headers=HTMX)
    second = contoso_client.post(assign_url(monthly_credit), data, headers=HTMX).content.decode()
    assert escape(ALREADY_HOLDS_THIS % {"name": "Adele Vance"}) in second
    assert CreditAssignment.objects.count() == 1
    assert Activity.objects.count() == 1


def test_other_roles_cannot_assign(client, monthly_credit):
    client.force_login(User.objects.get(email="billing@contoso.example"))
    response = client.post(
        assign_url(monthly_credit), {"directory_user": directory_user("Adele Vance").pk}
    )
    assert response.status_code == 403
    assert not CreditAssignment.objects.exists()
