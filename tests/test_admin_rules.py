"""Staff can't break the program's rules from the admin: a benefit or product in use keeps what
its holders, keys and activity records rest on, and each refusal says what to do instead."""

from __future__ import annotations

from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Organization
from accounts.staff_changes import DELETED_MEANWHILE
from benefits.models import Benefit, CreditAssignment, Product
from benefits.models.catalog import (
    BENEFIT_IN_USE_STAYS,
    PRODUCT_KIND_IN_USE,
    QUANTITY_BELOW_HOLDERS,
    QUANTITY_FOLLOWS_KEYS,
)
from benefits.services import credits
from benefits.services.staff_changes import benefit_save_by_staff
from tests.admin_forms import change_form
from tests.conftest import directory_user, run_at_once

pytestmark = pytest.mark.django_db


def _assign(benefit: Benefit, name: str, admin):
    """The portal's credit assignment, as an organization's admin does it today."""
    return credits.credit_assign(
        benefit=benefit,
        directory_user=directory_user(name),
        actor=admin,
        today=timezone.localdate(),
    )


def _post_benefit(staff_client, benefit: Benefit, **changes):
    address, data = change_form(staff_client, "benefits_benefit", benefit.pk)
    data.update({field: [str(value)] for field, value in changes.items()})
    return staff_client.post(address, data)


@pytest.fixture
def two_holders(monthly_credit, contoso_admin):
    """Contoso's monthly credit (2 seats) held by Adele Vance and Alex Wilber."""
    for name in ["Adele Vance", "Alex Wilber"]:
        _assign(monthly_credit, name, contoso_admin)
    return monthly_credit


def test_a_credit_keeps_a_quantity_of_at_least_its_holders(staff_client, two_holders):
    response = _post_benefit(staff_client, two_holders, quantity=1)
    assert response.status_code == 200
    assert escape(str(QUANTITY_BELOW_HOLDERS % {"count": 2})) in response.content.decode()
    two_holders.refresh_from_db()
    assert two_holders.quantity == 2


def test_a_credit_may_grow_or_shrink_down_to_its_holders(staff_client, two_holders):
    assert _post_benefit(staff_client, two_holders, quantity=5).status_code == 302
    assert _post_benefit(staff_client, two_holders, quantity=2).status_code == 302
    two_holders.refresh_from_db()
    assert two_holders.quantity == 2


def test_a_license_based_quantity_follows_its_keys(staff_client, office_benefit):
    licenses = office_benefit.keys.aggregate(total=Sum("licenses"))["total"]
    response = _post_benefit(staff_client, office_benefit, quantity=licenses + 100)
    assert response.status_code == 200
    assert escape(str(QUANTITY_FOLLOWS_KEYS % {"count": licenses})) in response.content.decode()
    assert Benefit.objects.get(pk=office_benefit.pk).quantity == office_benefit.quantity


def test_other_fields_of_a_benefit_in_use_still_change(staff_client, office_benefit):
    """A quantity left as it was is never questioned, even one that predates the rule."""
    Benefit.objects.filter(pk=office_benefit.pk).update(quantity=999)
    response = _post_benefit(staff_client, office_benefit, offer="silver")
    assert response.status_code == 302, response.context["adminform"].form.errors
    office_benefit.refresh_from_db()
    assert (office_benefit.offer, office_benefit.quantity) == ("silver", 999)


@pytest.mark.parametrize("field", ["organization", "product"])
def test_a_benefit_in_use_stays_with_its_organization_and_product(
    staff_client, office_benefit, field
):
    other = {
        "organization": Organization.objects.get(mpn_id="4711002").pk,
        "product": Product.objects.get(name="Power BI Pro").pk,
    }[field]
    response = _post_benefit(staff_client, office_benefit, **{field: other})
    assert response.status_code == 200
    assert escape(str(BENEFIT_IN_USE_STAYS)) in response.content.decode()
    office_benefit.refresh_from_db()
    assert getattr(office_benefit, f"{field}_id") != other


def test_a_benefit_nobody_uses_may_move(staff_client, contoso):
    product = Product.objects.get(name="Power BI Pro")
    unused = Benefit.objects.create(
        organization=contoso,
        product=product,
        offer="gold",
        benefit_type="core",
        quantity=5,
        expiration_date=timezone.localdate(),
    )
    fabrikam = Organization.objects.get(mpn_id="4711002")
    response = _post_benefit(staff_client, unused, organization=fabrikam.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    unused.refresh_from_db()
    assert unused.organization == fabrikam


def test_a_product_in_use_keeps_its_kind(staff_client, office_benefit):
    address, data = change_form(staff_client, "benefits_product", office_benefit.product_id)
    data["kind"] = [Product.Kind.USAGE]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert escape(str(PRODUCT_KIND_IN_USE)) in response.content.decode()
    assert Product.objects.get(pk=office_benefit.product_id).kind == Product.Kind.LICENSE


def test_a_product_nobody_uses_may_change_kind(staff_client):
    product = Product.objects.create(name="Visio Plan 2", kind=Product.Kind.LICENSE)
    address, data = change_form(staff_client, "benefits_product", product.pk)
    data["kind"] = [Product.Kind.USAGE]
    assert staff_client.post(address, data).status_code == 302
    product.refresh_from_db()
    assert product.kind == Product.Kind.USAGE


def test_a_holder_assigned_after_the_form_was_checked_is_not_overruled(two_holders, staff):
    """The form checked quantity 1 against one holder; a second was assigned before the save."""
    two_holders.quantity = 1
    with pytest.raises(ValidationError) as refused:
        benefit_save_by_staff(benefit=two_holders, actor=staff)
    assert refused.value.message_dict["quantity"] == [QUANTITY_BELOW_HOLDERS % {"count": 2}]
    two_holders.refresh_from_db()
    assert two_holders.quantity == 2


RACES = 8


def _staff_lowers_while_the_portal_assigns(benefit: Benefit, admin, staff) -> list:
    """Staff save quantity 1 (checked against one holder) as the portal assigns a second
    holder, ``RACES`` times; each round's holders and quantity."""
    rounds = []
    for _ in range(RACES):
        CreditAssignment.objects.filter(directory_user=directory_user("Alex Wilber")).delete()
        Benefit.objects.filter(pk=benefit.pk).update(quantity=2)
        checked = Benefit.objects.get(pk=benefit.pk)
        checked.quantity = 1
        sides = partial(_one_side, benefit=benefit, checked=checked, admin=admin, staff=staff)
        run_at_once(2, sides)
        benefit.refresh_from_db()
        rounds.append((benefit.assignments.count(), benefit.quantity))
    return rounds


def _one_side(index: int, *, benefit: Benefit, checked: Benefit, admin, staff):
    if index == 0:
        return benefit_save_by_staff(benefit=checked, actor=staff)
    return _assign(benefit, "Alex Wilber", admin)


@pytest.fixture
def one_holder(postgres, monthly_credit, contoso_admin):
    _assign(monthly_credit, "Adele Vance", contoso_admin)
    return monthly_credit


def test_staff_and_the_portal_at_once_never_leave_more_holders_than_seats(
    one_holder, contoso_admin, staff
):
    rounds = _staff_lowers_while_the_portal_assigns(one_holder, contoso_admin, staff)
    assert all(holders <= quantity for holders, quantity in rounds), rounds


def test_control_without_the_check_under_lock_a_stale_form_overrules_the_portal(
    two_holders, monkeypatch, staff
):
    """The interleaving the lock is for, in order: the form checked, a holder assigned, the
    save. Without the check again under the lock, the save leaves 2 holders of 1 seat."""

    def unlocked(ids):
        return list(Benefit.objects.filter(pk__in=ids))

    monkeypatch.setattr("benefits.services.staff_changes.benefits_lock", unlocked)
    monkeypatch.setattr(Benefit, "clean", lambda self: None)
    two_holders.quantity = 1
    benefit_save_by_staff(benefit=two_holders, actor=staff)
    two_holders.refresh_from_db()
    assert (two_holders.assignments.count(), two_holders.quantity) == (2, 1)


def test_a_benefit_deleted_while_the_form_was_open_is_not_added_back(contoso, staff):
    opened = Benefit.objects.create(
        organization=contoso,
        product=Product.objects.get(name="Power BI Pro"),
        offer="gold",
        benefit_type="core",
        quantity=5,
        expiration_date=timezone.localdate(),
    )
    Benefit.objects.filter(pk=opened.pk).delete()
    opened.quantity = 6
    with pytest.raises(ValidationError) as refused:
        benefit_save_by_staff(benefit=opened, actor=staff)
    assert refused.value.messages == [str(DELETED_MEANWHILE)]
    assert not Benefit.objects.filter(pk=opened.pk).exists()
