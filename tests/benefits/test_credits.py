"""Azure credit: each rule of SPEC 3.3 with its message, the activity record written with the
change (and not on refusal), and the pages with and without htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import DirectoryUser, User
from benefits.models import Activity, Benefit, CreditAssignment
from benefits.services import credits
from tests.conftest import refusal

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def contoso(demo_data):
    return {
        "admin": User.objects.get(email="admin@contoso.example"),
        "monthly": Benefit.objects.get(product__name__startswith="Azure monthly credit"),
        "bulk": Benefit.objects.get(product__name__startswith="Azure bulk credit"),
        "office": Benefit.objects.get(
            organization__mpn_id="4711001", product__name="Office 365 E3"
        ),
    }


def person(name: str) -> DirectoryUser:
    return DirectoryUser.objects.get(display_name=name)


def assign(contoso, benefit_name: str, name: str):
    return credits.credit_assign(
        benefit=contoso[benefit_name],
        directory_user=person(name),
        actor=contoso["admin"],
        today=timezone.localdate(),
    )


# --- Rules -------------------------------------------------------------------------------------


def test_assigning_monthly_credit_records_the_activity(contoso):
    assignment = assign(contoso, "monthly", "Adele Vance")
    assert assignment.benefit == contoso["monthly"]
    record = Activity.objects.get()
    assert record.kind == Activity.Kind.CREDIT_ASSIGNED
    assert record.actor_email == "admin@contoso.example"
    assert record.directory_user == person("Adele Vance")
    assert record.before == {"product": "Azure monthly credit — 100 per month"}
    assert record.after["holder"]["name"] == "Adele Vance"


def test_guests_of_the_tenant_can_hold_credit(contoso):
    assign(contoso, "monthly", "Lee Gu")
    assert CreditAssignment.objects.filter(directory_user__display_name="Lee Gu").exists()


def test_people_of_every_tenant_of_the_organization_can_hold_credit(contoso):
    assign(contoso, "monthly", "Lab Runner")


def test_disabled_people_are_refused(contoso):
    message = refusal(lambda: assign(contoso, "monthly", "Diego Siciliani"))
    assert message.startswith("Diego Siciliani's account is disabled in contoso.onmicrosoft.com.")


def test_consumer_addresses_are_refused(contoso):
    message = refusal(lambda: assign(contoso, "monthly", "Pat Doe"))
    assert "pat.doe@gmail.com is on a free consumer domain (gmail.com)" in message


def test_a_full_credit_says_remove_someone_first(contoso):
    assign(contoso, "monthly", "Adele Vance")
    assign(contoso, "monthly", "Alex Wilber")
    message = refusal(lambda: assign(contoso, "monthly", "Lee Gu"))
    assert message == "All 2 seats of this credit are assigned. Remove someone first."


def test_one_credit_per_person_names_the_credit_held(contoso):
    assign(contoso, "bulk", "Alex Wilber")
    message = refusal(lambda: assign(contoso, "monthly", "Alex Wilber"))
    assert message.startswith("Alex Wilber already holds Azure bulk credit — 6,000 per year;")


def test_holding_the_same_credit_twice_is_refused(contoso):
    assign(contoso, "monthly", "Adele Vance")
    assert refusal(lambda: assign(contoso, "monthly", "Adele Vance")) == (
        "Adele Vance already holds this credit."
    )


def test_bulk_credit_cannot_be_combined_with_other_offers(contoso):
    message = refusal(lambda: assign(contoso, "bulk", "Megan Bowen"))
    assert message == (
        "Megan Bowen already holds Azure Pass; bulk credit can't be combined with other offers."
    )


def test_monthly_credit_can_go_to_people_with_other_offers(contoso):
    assign(contoso, "monthly", "Megan Bowen")


def test_an_expired_credit_cannot_be_changed(contoso):
    Benefit.objects.filter(pk=contoso["monthly"].pk).update(
        expiration_date=timezone.localdate() - timedelta(days=1)
    )
    assert "nothing about it can be changed" in refusal(
        lambda: assign(contoso, "monthly", "Adele Vance")
    )


def test_license_benefits_are_not_assigned_to_people(contoso):
    assert refusal(lambda: assign(contoso, "office", "Adele Vance")) == (
        "Only Azure credit is assigned to people."
    )


def test_refusals_leave_no_trace(contoso):
    for name in ["Diego Siciliani", "Pat Doe"]:
        with pytest.raises(ValidationError):
            assign(contoso, "monthly", name)
    assert not CreditAssignment.objects.exists()
    assert not Activity.objects.exists()


def test_removing_monthly_credit_frees_the_seat_and_records_it(contoso):
    assign(contoso, "monthly", "Adele Vance")
    credits.credit_remove(
        benefit=contoso["monthly"],
        directory_user=person("Adele Vance"),
        actor=contoso["admin"],
        today=timezone.localdate(),
    )
    assert not CreditAssignment.objects.exists()
    record = Activity.objects.filter(kind=Activity.Kind.CREDIT_REMOVED).get()
    assert record.before["holder"]["upn"] == "adelev@contoso.onmicrosoft.com"


def test_bulk_credit_cannot_be_removed(contoso):
    assign(contoso, "bulk", "Alex Wilber")
    message = refusal(
        lambda: credits.credit_remove(
            benefit=contoso["bulk"],
            directory_user=person("Alex Wilber"),
            actor=contoso["admin"],
            today=timezone.localdate(),
        )
    )
    assert message == "Bulk credit can't be removed. Transfer it to another person instead."
    assert CreditAssignment.objects.count() == 1


def transfer(contoso, holder: str, to: str, benefit: str = "bulk"):
    return credits.credit_transfer(
        benefit=contoso[benefit],
        holder=person(holder),
        to=person(to),
        actor=contoso["admin"],
        today=timezone.localdate(),
    )


def test_transferring_bulk_credit_moves_it_and_records_both_people(contoso):
    assign(contoso, "bulk", "Alex Wilber")
    transfer(contoso, "Alex Wilber", "Adele Vance")
    assert CreditAssignment.objects.get().directory_user == person("Adele Vance")
    record = Activity.objects.get(kind=Activity.Kind.CREDIT_TRANSFERRED)
    assert record.before["holder"]["name"] == "Alex Wilber"
    assert record.after["holder"]["name"] == "Adele Vance"


def test_a_transfer_checks_the_new_holder_like_an_assignment(contoso):
    assign(contoso, "bulk", "Alex Wilber")
    assert "Azure Pass" in refusal(lambda: transfer(contoso, "Alex Wilber", "Megan Bowen"))
    assert "disabled" in refusal(lambda: transfer(contoso, "Alex Wilber", "Diego Siciliani"))
    assert CreditAssignment.objects.get().directory_user == person("Alex Wilber")
    assert Activity.objects.filter(kind=Activity.Kind.CREDIT_TRANSFERRED).count() == 0


def test_monthly_credit_is_not_transferred(contoso):
    assign(contoso, "monthly", "Alex Wilber")
    assert "Monthly credit isn't transferred" in refusal(
        lambda: transfer(contoso, "Alex Wilber", "Adele Vance", benefit="monthly")
    )


def test_a_transfer_after_the_expiration_date_is_refused(contoso):
    assign(contoso, "bulk", "Alex Wilber")
    Benefit.objects.filter(pk=contoso["bulk"].pk).update(
        expiration_date=timezone.localdate() - timedelta(days=1)
    )
    assert "expired" in refusal(lambda: transfer(contoso, "Alex Wilber", "Adele Vance"))


def test_people_of_another_organization_cannot_be_given_credit(contoso):
    from tests.accounts.factories import DirectoryUserFactory, TenantFactory

    stranger = DirectoryUserFactory(tenant=TenantFactory())
    message = refusal(
        lambda: credits.credit_assign(
            benefit=contoso["monthly"],
            directory_user=stranger,
            actor=contoso["admin"],
            today=timezone.localdate(),
        )
    )
    assert "no longer in your organization's tenants" in message
    assert not CreditAssignment.objects.exists()


# --- Pages -------------------------------------------------------------------------------------


def detail(benefit) -> str:
    return f"/mpn/benefits/azure-cloud/{benefit.pk}/"


def test_the_picker_finds_enabled_people_by_name_or_address_prefix(contoso_client, contoso):
    url = detail(contoso["monthly"]) + "people/"
    found = contoso_client.get(url, {"q": "AL"}, headers=HTMX).content.decode()
    assert "Alex Wilber" in found
    assert "Adele Vance" not in found
    by_address = contoso_client.get(url, {"q": "lee.gu@"}, headers=HTMX).content.decode()
    assert "Lee Gu" in by_address
    assert "contoso.onmicrosoft.com" in by_address
    assert "Guest" in by_address
    disabled = contoso_client.get(url, {"q": "diego"}, headers=HTMX).content.decode()
    assert "Diego" not in disabled.replace("“diego”", "")


@pytest.mark.parametrize(
    "text", ["", "a", " ", "x" * 20_000, "<script>alert(1)</script>", "%_", "ad\x00", "\x00\x1b[2J"]
)
def test_the_picker_takes_any_text_without_error(contoso_client, contoso, text):
    response = contoso_client.get(detail(contoso["monthly"]) + "people/", {"q": text})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_picker_never_shows_people_of_another_organization(client, demo_data):
    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    fabrikam_benefit = Benefit.objects.get(organization__mpn_id="4711002")
    page = client.get(detail(fabrikam_benefit) + "people/", {"q": "ad"}).content.decode()
    assert "Adele" not in page


def test_the_picker_searches_what_is_left_after_trimming(contoso_client, contoso):
    page = contoso_client.get(detail(contoso["monthly"]) + "people/", {"q": "a "}).content.decode()
    assert "Nobody enabled" not in page
    assert "Type at least 2 characters" in page


def test_remove_is_not_offered_for_bulk_credit_even_by_address(contoso_client, contoso):
    assign(contoso, "bulk", "Alex Wilber")
    url = detail(contoso["bulk"]) + f"holders/{person('Alex Wilber').pk}/remove/"
    page = contoso_client.get(url).content.decode()
    assert "Bulk credit can&#x27;t be removed" in page
    assert "<form" not in page.split('id="main"', 1)[1].split("</main>")[0]


def test_assigning_with_htmx_rerenders_the_area_in_place(contoso_client, contoso):
    response = contoso_client.post(
        detail(contoso["monthly"]) + "assign/",
        {"directory_user": person("Adele Vance").pk},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    pk = contoso["monthly"].pk
    assert f'<div id="user-assignment-{pk}" class="pb-assignment">' in body
    # The outcome also goes to the live region that stays on the page.
    assert f'<div id="assignment-status-{pk}" hx-swap-oob="innerHTML">Adele Vance now holds' in body
    assert "1 of 2 seats assigned." in body


def test_a_refusal_with_htmx_shows_the_reason_in_the_area(contoso_client, contoso):
    response = contoso_client.post(
        detail(contoso["monthly"]) + "assign/",
        {"directory_user": person("Pat Doe").pk},
        headers=HTMX,
    )
    assert 'role="alert"' in response.content.decode()
    assert "free consumer domain" in response.content.decode()


def test_assigning_without_javascript_redirects_to_the_details(contoso_client, contoso):
    response = contoso_client.post(
        detail(contoso["monthly"]) + "assign/", {"directory_user": person("Adele Vance").pk}
    )
    assert response.status_code == 302
    assert response["Location"] == detail(contoso["monthly"])
    page = contoso_client.get(response["Location"]).content.decode()
    assert "Adele Vance now holds this credit." in page


def test_remove_asks_for_confirmation_first(contoso_client, contoso):
    assign(contoso, "monthly", "Adele Vance")
    url = detail(contoso["monthly"]) + f"holders/{person('Adele Vance').pk}/remove/"
    page = contoso_client.get(url).content.decode()
    assert "Remove Adele Vance from Azure monthly credit — 100 per month?" in page
    assert CreditAssignment.objects.count() == 1
    response = contoso_client.post(url, headers=HTMX)
    assert "Adele Vance no longer holds this credit." in response.content.decode()
    assert not CreditAssignment.objects.exists()


def test_bulk_credit_shows_transfer_and_no_remove(contoso_client, contoso):
    assign(contoso, "bulk", "Alex Wilber")
    page = contoso_client.get(detail(contoso["bulk"])).content.decode()
    assert ">Transfer<" in page
    assert "/remove/" not in page


def test_a_crafted_post_to_remove_bulk_credit_is_refused(contoso_client, contoso):
    assign(contoso, "bulk", "Alex Wilber")
    url = detail(contoso["bulk"]) + f"holders/{person('Alex Wilber').pk}/remove/"
    response = contoso_client.post(url, headers=HTMX)
    assert "Bulk credit can't be removed" in response.content.decode()
    assert CreditAssignment.objects.count() == 1


def test_transfer_through_the_pages(contoso_client, contoso):
    assign(contoso, "bulk", "Alex Wilber")
    alex = person("Alex Wilber")
    picker = contoso_client.get(
        detail(contoso["bulk"]) + f"people/{alex.pk}/transfer/", {"q": "ade"}
    ).content.decode()
    assert "Transfer from Alex Wilber" in picker
    response = contoso_client.post(
        detail(contoso["bulk"]) + f"holders/{alex.pk}/transfer/",
        {"directory_user": person("Adele Vance").pk},
    )
    assert response.status_code == 302
    assert CreditAssignment.objects.get().directory_user == person("Adele Vance")


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "1 OR 1=1"])
def test_unknown_people_are_404_and_change_nothing(contoso_client, contoso, value):
    response = contoso_client.post(
        detail(contoso["monthly"]) + "assign/", {"directory_user": value}
    )
    assert response.status_code == 404
    assert not Activity.objects.exists()


def test_another_organizations_people_and_benefits_are_404(client, demo_data):
    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    contoso_benefit = Benefit.objects.get(product__name__startswith="Azure monthly credit")
    fabrikam_benefit = Benefit.objects.get(organization__mpn_id="4711002")
    adele = person("Adele Vance")
    assert (
        client.post(detail(contoso_benefit) + "assign/", {"directory_user": adele.pk}).status_code
        == 404
    )
    assert client.get(detail(contoso_benefit) + "people/").status_code == 404
    assert (
        client.post(detail(fabrikam_benefit) + "assign/", {"directory_user": adele.pk}).status_code
        == 404
    )
    assert not CreditAssignment.objects.exists()


def test_a_double_submitted_assignment_assigns_once(contoso_client, contoso):
    url = detail(contoso["monthly"]) + "assign/"
    data = {"directory_user": person("Adele Vance").pk}
    contoso_client.post(url, data, headers=HTMX)
    second = contoso_client.post(url, data, headers=HTMX).content.decode()
    assert "Adele Vance already holds this credit." in second
    assert CreditAssignment.objects.count() == 1
    assert Activity.objects.count() == 1


def test_other_roles_cannot_assign(client, contoso):
    client.force_login(User.objects.get(email="billing@contoso.example"))
    response = client.post(
        detail(contoso["monthly"]) + "assign/", {"directory_user": person("Adele Vance").pk}
    )
    assert response.status_code == 403
    assert not CreditAssignment.objects.exists()
