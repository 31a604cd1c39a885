"""Subscriptions in the admin: staff's changes never take back a redemption made while their
form was open, and a subscription keys were redeemed into stays in its tenant with its product."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from benefits.models import Product, Subscription
from benefits.models.subscriptions import SUBSCRIPTION_IN_LOG_STAYS
from benefits.services.staff_changes import SUBSCRIPTION_CHANGED_MEANWHILE
from tests.admin_forms import change_form
from tests.benefits.redeeming import redeem_by_service

pytestmark = pytest.mark.django_db


def _redeem_into(subscription: Subscription, office_benefit, contoso_admin) -> None:
    key = office_benefit.keys.get(licenses=100, key__startswith="W7QCC")
    assert redeem_by_service(key_id=key.pk, subscription=subscription, actor=contoso_admin) == (
        "redeemed"
    )


def test_staff_change_a_subscription_nobody_changed_meanwhile(staff_client, office_subscription):
    address, data = change_form(staff_client, "benefits_subscription", office_subscription.pk)
    later = office_subscription.end_date + timedelta(days=30)
    data["end_date"] = [later.isoformat()]
    assert staff_client.post(address, data).status_code == 302
    assert Subscription.objects.get(pk=office_subscription.pk).end_date == later


@pytest.mark.parametrize("checked", [True, False])
def test_a_redemption_while_the_form_was_open_is_not_taken_back(
    staff_client, office_subscription, office_benefit, contoso_admin, monkeypatch, checked
):
    """The form opened, a key extended the subscription, the form saved a new seat count.
    Checked, the save is refused and the redemption's end date stays; the control (the check
    made to pass) writes the form's old end date back over it."""
    if not checked:
        for module in ("benefits.services.staff_changes", "benefits.admin.catalog"):
            monkeypatch.setattr(f"{module}.subscription_as_shown", lambda subscription: "")
    address, data = change_form(staff_client, "benefits_subscription", office_subscription.pk)
    _redeem_into(office_subscription, office_benefit, contoso_admin)
    redeemed = Subscription.objects.get(pk=office_subscription.pk)
    assert redeemed.end_date != office_subscription.end_date
    data["seats"] = [str(office_subscription.seats + 1)]
    response = staff_client.post(address, data, follow=True)
    stored = Subscription.objects.get(pk=office_subscription.pk)
    if checked:
        assert response.redirect_chain == [(address, 302)]
        assert escape(str(SUBSCRIPTION_CHANGED_MEANWHILE)) in response.content.decode()
        assert (stored.seats, stored.end_date) == (redeemed.seats, redeemed.end_date)
    else:
        assert response.redirect_chain == [(reverse("admin:benefits_subscription_changelist"), 302)]
        assert stored.end_date == office_subscription.end_date  # the redemption taken back


def test_a_subscription_deleted_while_the_form_was_open_is_not_added_back(
    staff_client, office_subscription
):
    address, data = change_form(staff_client, "benefits_subscription", office_subscription.pk)
    Subscription.objects.filter(pk=office_subscription.pk).delete()
    staff_client.post(address, data)
    assert not Subscription.objects.filter(pk=office_subscription.pk).exists()


@pytest.mark.parametrize("field", ["tenant", "product"])
def test_a_subscription_keys_went_into_stays_where_it_is(
    staff_client, office_subscription, office_benefit, contoso_admin, field
):
    _redeem_into(office_subscription, office_benefit, contoso_admin)
    other = {
        "tenant": office_benefit.organization.tenants.exclude(pk=office_subscription.tenant_id)
        .first()
        .pk,
        "product": Product.objects.get(name="Power BI Pro").pk,
    }[field]
    address, data = change_form(staff_client, "benefits_subscription", office_subscription.pk)
    data[field] = [str(other)]
    response = staff_client.post(address, data)
    assert response.status_code == 200
    assert escape(str(SUBSCRIPTION_IN_LOG_STAYS)) in response.content.decode()
    assert getattr(Subscription.objects.get(pk=office_subscription.pk), f"{field}_id") != other
