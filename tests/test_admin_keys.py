"""Product keys staff add, change or delete one at a time in the admin: the benefit's quantity
follows its keys and each change is in the activity log, as an import's is; a redeemed key
keeps what its subscription holds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils.html import escape

from accounts.staff_changes import DELETED_MEANWHILE
from benefits.admin.product_keys import ProductKeyAdmin
from benefits.models import Activity, Benefit, ProductKey, Subscription
from benefits.models.product_keys import REDEEMED_KEY_STAYS
from benefits.services.key_quantities import key_save_by_staff
from tests.admin_forms import change_form
from tests.benefits.redeeming import redeem_by_service

pytestmark = pytest.mark.django_db

NEW_KEY = "BCDFG-HJKMP-QRTVW-XY234-6789B"


def _licenses(benefit: Benefit) -> int:
    return benefit.keys.aggregate(total=Sum("licenses"))["total"] or 0


def _last_change(benefit: Benefit) -> Activity:
    return Activity.objects.filter(benefit=benefit, kind=Activity.Kind.KEYS_CHANGED).latest("pk")


@pytest.fixture
def redeemed_key(office_benefit, contoso_admin) -> ProductKey:
    """One of the Office 365 E3 keys, redeemed into a Contoso subscription of the product."""
    key = office_benefit.keys.order_by("pk").first()
    subscription = Subscription.objects.filter(
        tenant__organization=office_benefit.organization, product=office_benefit.product
    ).first()
    assert subscription is not None
    assert redeem_by_service(key_id=key.pk, subscription=subscription, actor=contoso_admin) == (
        "redeemed"
    )
    key.refresh_from_db()
    return key


def test_a_key_staff_add_raises_its_benefits_quantity(staff_client, office_benefit):
    before = office_benefit.quantity
    response = staff_client.post(
        reverse("admin:benefits_productkey_add"),
        {"benefit": office_benefit.pk, "key": NEW_KEY.lower(), "licenses": 40},
    )
    assert response.status_code == 302
    office_benefit.refresh_from_db()
    assert office_benefit.quantity == _licenses(office_benefit) == 225 + 40
    record = _last_change(office_benefit)
    assert record.actor_email == "staff@partnerbenefits.example"
    assert (record.before["seats"], record.after["seats"]) == (before, 265)
    assert record.after["key"] == ProductKey.objects.get(key=NEW_KEY).masked_key
    assert record.after["licenses"] == 40


def test_licenses_changed_or_a_key_moved_leave_both_benefits_right(staff_client, office_benefit):
    power_bi = Benefit.objects.get(
        organization=office_benefit.organization, product__name="Power BI Pro"
    )
    key = office_benefit.keys.get(licenses=25)
    address, data = change_form(staff_client, "benefits_productkey", key.pk)
    data.update(licenses=["30"], benefit=[str(power_bi.pk)])
    assert staff_client.post(address, data).status_code == 302
    office_benefit.refresh_from_db()
    power_bi.refresh_from_db()
    assert (office_benefit.quantity, power_bi.quantity) == (200, 30 + 30)
    # The key is named on both sides of the move.
    for benefit, seats in [(office_benefit, 200), (power_bi, 60)]:
        record = _last_change(benefit)
        assert (record.after["seats"], record.after["key"]) == (seats, key.masked_key)


def test_a_save_that_changes_nothing_records_nothing(staff_client, office_benefit):
    key = office_benefit.keys.get(licenses=25)
    address, data = change_form(staff_client, "benefits_productkey", key.pk)
    assert staff_client.post(address, data).status_code == 302
    assert not Activity.objects.filter(kind=Activity.Kind.KEYS_CHANGED).exists()


def test_a_key_staff_delete_lowers_its_benefits_quantity(staff_client, office_benefit):
    key = office_benefit.keys.get(licenses=25)
    response = staff_client.post(
        reverse("admin:benefits_productkey_delete", args=[key.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    office_benefit.refresh_from_db()
    assert office_benefit.quantity == 200
    record = _last_change(office_benefit)
    assert (record.before["seats"], record.after["seats"]) == (225, 200)
    assert (record.after["keys"], record.after["licenses"]) == (-1, -25)
    assert record.after["deleted"] == [key.masked_key]


def test_the_last_key_deleted_leaves_the_quantity_as_it_was(staff_client, contoso):
    intune = Benefit.objects.get(organization=contoso, product__name="Microsoft Intune")
    response = staff_client.post(
        reverse("admin:benefits_productkey_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(pk) for pk in intune.keys.values_list("pk", flat=True)],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not intune.keys.exists()
    intune.refresh_from_db()
    assert intune.quantity == 10  # never below 1; a new key sets it again
    record = _last_change(intune)
    assert (record.after["seats"], record.after["keys"], record.after["licenses"]) == (10, -1, -10)


def test_a_redeemed_key_keeps_its_licenses(staff_client, redeemed_key):
    address, data = change_form(staff_client, "benefits_productkey", redeemed_key.pk)
    data["licenses"] = [str(redeemed_key.licenses + 5)]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert escape(str(REDEEMED_KEY_STAYS)) in response.content.decode()
    assert ProductKey.objects.get(pk=redeemed_key.pk).licenses == redeemed_key.licenses


@pytest.fixture
def opened_then_redeemed(office_benefit, contoso_admin):
    """A key as a form opened before its redemption holds it, and the key once redeemed."""
    opened = office_benefit.keys.get(licenses=25)
    subscription = Subscription.objects.filter(
        tenant__organization=office_benefit.organization, product=office_benefit.product
    ).first()
    assert subscription is not None
    redeem_by_service(key_id=opened.pk, subscription=subscription, actor=contoso_admin)
    assert not opened.is_redeemed
    return opened


@pytest.mark.parametrize("licenses_added", [5, 0])
def test_a_key_redeemed_while_the_form_was_open_stays_redeemed(
    opened_then_redeemed, licenses_added, staff
):
    """Changed, the save is refused; unchanged, it must not write the form's empty redemption
    fields over the redemption."""
    opened_then_redeemed.licenses += licenses_added
    if licenses_added:
        with pytest.raises(ValidationError) as refused:
            key_save_by_staff(key=opened_then_redeemed, actor=staff)
        assert refused.value.messages == [str(REDEEMED_KEY_STAYS)]
    else:
        key_save_by_staff(key=opened_then_redeemed, actor=staff)
    stored = ProductKey.objects.get(pk=opened_then_redeemed.pk)
    assert stored.is_redeemed
    assert stored.licenses == 25


def test_a_key_deleted_while_the_form_was_open_is_not_added_back(office_benefit, staff):
    opened = office_benefit.keys.get(licenses=25)
    ProductKey.objects.filter(pk=opened.pk).delete()
    opened.licenses = 30
    with pytest.raises(ValidationError) as refused:
        key_save_by_staff(key=opened, actor=staff)
    assert refused.value.messages == [str(DELETED_MEANWHILE)]
    assert not ProductKey.objects.filter(pk=opened.pk).exists()


def test_a_refusal_at_the_save_is_shown_on_the_form(staff_client, office_benefit, monkeypatch):
    """What the service refuses after the form's check (a redemption meanwhile) is a message
    and the form again, never a server error, and nothing saved."""

    def refused(**_kwargs):
        raise ValidationError(REDEEMED_KEY_STAYS)

    monkeypatch.setattr("benefits.admin.product_keys.key_save_by_staff", refused)
    key = office_benefit.keys.get(licenses=25)
    address, data = change_form(staff_client, "benefits_productkey", key.pk)
    data["licenses"] = ["30"]
    response = staff_client.post(address, data, follow=True)
    assert response.redirect_chain == [(address, 302)]
    assert escape(str(REDEEMED_KEY_STAYS)) in response.content.decode()
    assert ProductKey.objects.get(pk=key.pk).licenses == 25


def test_a_redemption_is_not_made_or_undone_in_the_admin(staff_client, office_benefit):
    key = office_benefit.keys.get(licenses=25)
    address, data = change_form(staff_client, "benefits_productkey", key.pk)
    assert "redeemed_at" not in data
    assert "redeemed_into" not in data
    data["redeemed_at_0"] = ["2026-01-01"]
    assert staff_client.post(address, data).status_code == 302
    assert not ProductKey.objects.get(pk=key.pk).is_redeemed


def test_a_redeemed_key_is_not_deleted(staff_client, redeemed_key):
    address = reverse("admin:benefits_productkey_delete", args=[redeemed_key.pk])
    page = staff_client.get(address, follow=True).content.decode()
    assert escape(str(ProductKeyAdmin.delete_refused_help)) in page
    staff_client.post(address, {"post": "yes"})
    assert ProductKey.objects.filter(pk=redeemed_key.pk).exists()


@pytest.mark.parametrize(
    ("language", "kind", "seats"),
    [
        ("en", "Product keys changed by staff", "265 licenses"),
        ("fr", "Clés de produit modifiées par le personnel", "265 licences"),
    ],
)
def test_the_partner_sees_staffs_key_change_in_the_activity(
    staff_client, office_benefit, contoso_admin, language, kind, seats
):
    staff_client.post(
        reverse("admin:benefits_productkey_add"),
        {"benefit": office_benefit.pk, "key": NEW_KEY, "licenses": 40},
    )
    contoso_admin.language = language
    contoso_admin.save(update_fields=["language"])
    staff_client.force_login(contoso_admin)
    page = staff_client.get(reverse("activity"), {"kind": "keys_changed"}).content.decode()
    assert kind in page
    assert "staff@partnerbenefits.example" in page
    assert seats in page


def test_a_wrong_key_and_no_licenses_are_both_named_on_the_form(staff_client, office_benefit):
    """Each field says what is wrong with it; none is left to a table constraint, whose message
    names the constraint ("product_key_licenses_positive") instead."""
    response = staff_client.post(
        reverse("admin:benefits_productkey_add"),
        {"benefit": office_benefit.pk, "key": "not-a-key", "licenses": 0},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"key", "licenses"}
    assert "product_key_licenses_positive" not in response.content.decode()


def test_the_benefits_keys_are_listed_under_a_translated_heading(staff_client, office_benefit):
    page = staff_client.get(
        reverse("admin:benefits_benefit_change", args=[office_benefit.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()
    assert "Masked key" not in page
    assert "Clé de produit" in page
