"""Product keys staff add, change or delete one at a time in the admin: the benefit's quantity
follows its keys and each change is in the activity log, as an import's is; a redeemed key
keeps what its subscription holds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
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
    assert _last_change(office_benefit).after["seats"] == 200
    assert _last_change(power_bi).after["seats"] == 60


def test_a_key_staff_delete_lowers_its_benefits_quantity(staff_client, office_benefit):
    key = office_benefit.keys.get(licenses=25)
    response = staff_client.post(
        reverse("admin:benefits_productkey_delete", args=[key.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    office_benefit.refresh_from_db()
    assert office_benefit.quantity == 200
    assert _last_change(office_benefit).before["seats"] == 225


def test_the_last_key_deleted_leaves_the_quantity_as_it_was(staff_client, contoso):
    intune = Benefit.objects.get(organization=contoso, product__name="Microsoft Intune")
    staff_client.post(
        reverse("admin:benefits_productkey_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(pk) for pk in intune.keys.values_list("pk", flat=True)],
            "post": "yes",
        },
    )
    assert not intune.keys.exists()
    intune.refresh_from_db()
    assert intune.quantity == 10  # never below 1; a new key sets it again


def test_a_redeemed_key_keeps_its_licenses(staff_client, redeemed_key):
    address, data = change_form(staff_client, "benefits_productkey", redeemed_key.pk)
    data["licenses"] = [str(redeemed_key.licenses + 5)]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert escape(str(REDEEMED_KEY_STAYS)) in response.content.decode()
    assert ProductKey.objects.get(pk=redeemed_key.pk).licenses == redeemed_key.licenses


def test_a_key_redeemed_while_the_form_was_open_is_not_changed(redeemed_key):
    staff = User.objects.get(email="staff@partnerbenefits.example")
    stale = ProductKey.objects.get(pk=redeemed_key.pk)
    stale.licenses += 5
    with pytest.raises(ValidationError) as refused:
        key_save_by_staff(key=stale, actor=staff)
    assert refused.value.messages == [str(REDEEMED_KEY_STAYS)]
    assert ProductKey.objects.get(pk=redeemed_key.pk).licenses == redeemed_key.licenses


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
