"""Redeeming product keys (the service): every scenario of the demo data, preview = result,
and a failure half-way that leaves no trace."""

from __future__ import annotations

import uuid
from datetime import timedelta
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta
from django.db import DatabaseError
from django.http import Http404
from django.utils import formats, timezone

from accounts.models import Tenant, User
from benefits.models import Activity, ProductKey, Subscription
from benefits.services import redemption
from benefits.services.redemption import Action
from tests.benefits.wizard_pages import FABRIKAM_KEY, INTUNE_10, O365_25, O365_100, PBI_10, PBI_20
from tests.conftest import refusal

pytestmark = pytest.mark.django_db

AAD_EXPIRED = "W4G2R-T333C-F8V6Y-8DQGF-QJQY4"


@pytest.fixture
def contoso(demo_data):
    organization = User.objects.get(email="admin@contoso.example").organization
    tenant = Tenant.objects.get(primary_domain="contoso.onmicrosoft.com")
    return {
        "organization": organization,
        "admin": User.objects.get(email="admin@contoso.example"),
        "tenant": tenant,
        "office": Subscription.objects.get(tenant=tenant, product__name="Office 365 E3"),
        "power_bi": Subscription.objects.get(tenant=tenant, product__name="Power BI Pro"),
        "intune": Subscription.objects.get(tenant=tenant, product__name="Microsoft Intune"),
    }


def preview(contoso, raw: str, action: str, subscription: str | None = None):
    key = redemption.key_find(organization=contoso["organization"], raw=raw)
    return redemption.redemption_preview(
        key=key,
        action=action,
        tenant=contoso["tenant"],
        subscription=contoso[subscription] if subscription else None,
        today=timezone.localdate(),
    )


def redeem(contoso, reviewed, token: str = ""):
    return redemption.key_redeem(
        organization=contoso["organization"],
        key=reviewed.key,
        action=reviewed.action,
        tenant=reviewed.tenant,
        subscription=reviewed.subscription if reviewed.action != Action.ACTIVATE else None,
        reviewed=reviewed.fingerprint(),
        token=token or uuid.uuid4().hex,
        actor=contoso["admin"],
        today=timezone.localdate(),
    )


def today():
    return timezone.localdate()


@pytest.mark.parametrize(("raw", "months"), [(O365_25, 3), (O365_100, 12)])
def test_extend_office_365(contoso, raw, months):
    end = contoso["office"].end_date
    reviewed = preview(contoso, raw, Action.EXTEND, "office")
    assert reviewed.term.months == months
    assert reviewed.term.end_date == end + relativedelta(months=months)
    record = redeem(contoso, reviewed)
    office = Subscription.objects.get(pk=contoso["office"].pk)
    assert (office.seats, office.end_date) == (100, end + relativedelta(months=months))
    assert record.after["end"] == office.end_date.isoformat()


def test_the_review_of_an_extension_shows_what_adding_would_give(contoso):
    reviewed = preview(contoso, O365_25, Action.EXTEND, "office")
    # (100 × 6 + 25 × 12) ÷ 125 = 7.2 months
    assert reviewed.other.months == Fraction(36, 5)
    assert reviewed.other.seats == 125


def test_add_100_licenses_leaves_9_months(contoso):
    reviewed = preview(contoso, O365_100, Action.ADD, "office")
    assert (reviewed.term.seats, reviewed.term.months) == (200, 9)
    assert reviewed.short_of_a_year
    redeem(contoso, reviewed)
    office = Subscription.objects.get(pk=contoso["office"].pk)
    assert (office.seats, office.end_date) == (200, today() + relativedelta(months=9))


def test_licenses_cant_be_added_before_a_subscription_starts(contoso):
    """A subscription staff entered with a start in the future: the average of the time left
    would count days before the start (here it would end the subscription before it begins)."""
    start, end = today() + relativedelta(months=20), today() + relativedelta(months=30)
    Subscription.objects.filter(pk=contoso["office"].pk).update(start_date=start, end_date=end)
    contoso["office"].refresh_from_db()
    message = refusal(lambda: preview(contoso, O365_100, Action.ADD, "office"))
    assert message.startswith(f"This subscription starts on {formats.date_format(start)}.")
    reviewed = preview(contoso, O365_100, Action.EXTEND, "office")
    assert reviewed.other is None
    assert "starts on" in reviewed.other_error
    redeem(contoso, reviewed)
    assert Subscription.objects.get(pk=contoso["office"].pk).end_date == end + relativedelta(
        months=12
    )


def test_extend_power_bi_by_24_months(contoso):
    end = contoso["power_bi"].end_date
    redeem(contoso, preview(contoso, PBI_10, Action.EXTEND, "power_bi"))
    assert Subscription.objects.get(pk=contoso["power_bi"].pk).end_date == end + relativedelta(
        months=24
    )


def test_power_bi_20_seat_key_is_refused_with_the_3_year_message(contoso):
    message = refusal(lambda: preview(contoso, PBI_20, Action.EXTEND, "power_bi"))
    assert message == (
        "This key has more than three times the licenses of your subscription (5). "
        "An end date can be extended by at most 3 years."
    )


def test_reactivate_intune_instead_of_duplicating_it(contoso):
    reviewed = preview(contoso, INTUNE_10, Action.ACTIVATE)
    assert reviewed.subscription == contoso["intune"]
    redeem(contoso, reviewed)
    intune = Subscription.objects.get(pk=contoso["intune"].pk)
    assert (intune.seats, intune.start_date, intune.end_date) == (
        10,
        today(),
        today() + relativedelta(months=12),
    )
    assert Subscription.objects.filter(product__name="Microsoft Intune").count() == 1


def test_activate_in_another_tenant_creates_a_new_subscription(contoso):
    lab = Tenant.objects.get(primary_domain="contosolab.onmicrosoft.com")
    key = redemption.key_find(organization=contoso["organization"], raw=O365_25)
    reviewed = redemption.redemption_preview(
        key=key, action=Action.ACTIVATE, tenant=lab, subscription=None, today=today()
    )
    assert reviewed.subscription is None
    redeem(contoso, reviewed)
    created = Subscription.objects.get(tenant=lab)
    assert (created.seats, created.end_date) == (25, today() + relativedelta(months=12))


def test_an_expired_key_is_refused(contoso):
    assert refusal(lambda: preview(contoso, AAD_EXPIRED, Action.ACTIVATE)) == (
        "The product key you entered has expired. Enter a different key."
    )


@pytest.mark.parametrize("raw", [FABRIKAM_KEY, "BCDFG-HJKMP-QRTVW-XY234-6789B"])
def test_another_organizations_key_and_an_unknown_key_look_the_same(contoso, raw):
    assert refusal(lambda: preview(contoso, raw, Action.ACTIVATE)).startswith(
        "We can't find this product key."
    )


def test_a_malformed_key_gets_the_format_message(contoso):
    assert refusal(lambda: preview(contoso, "36XHH-2D2TT-9HB6D-FV6M9-F7C", Action.ACTIVATE)) == (
        "A product key has 25 characters; you entered 23."
    )


def test_a_key_for_another_product_is_refused_naming_both(contoso):
    assert refusal(lambda: preview(contoso, PBI_10, Action.EXTEND, "office")) == (
        "This key is for Power BI Pro; the subscription you chose is Office 365 E3."
    )


def test_a_used_key_says_when_and_where(contoso):
    redeem(contoso, preview(contoso, O365_25, Action.EXTEND, "office"))
    message = refusal(lambda: preview(contoso, O365_25.lower(), Action.EXTEND, "office"))
    assert message.startswith(
        "This product key has already been used. Please enter a different product key. "
        "It was redeemed on "
    )
    assert message.endswith("into Office 365 E3 (contoso.onmicrosoft.com).")


def test_extending_a_disabled_subscription_points_to_activation(contoso):
    assert "Activate the key as a new subscription" in refusal(
        lambda: preview(contoso, INTUNE_10, Action.EXTEND, "intune")
    )


def test_what_you_previewed_is_what_you_get(contoso):
    reviewed = preview(contoso, O365_25, Action.EXTEND, "office")
    # Someone else changes the subscription between the review and Redeem.
    Subscription.objects.filter(pk=contoso["office"].pk).update(seats=120)
    with pytest.raises(redemption.SubscriptionChanged):
        redeem(contoso, reviewed)
    assert not ProductKey.objects.get(key=O365_25).is_redeemed
    assert not Activity.objects.exists()


def test_a_failure_half_way_leaves_no_trace(contoso, monkeypatch):
    reviewed = preview(contoso, O365_25, Action.EXTEND, "office")
    before = Subscription.objects.get(pk=contoso["office"].pk)

    def broken(*args, **kwargs):
        raise DatabaseError("connection lost")

    # The key and the subscription are written; then the activity record fails.
    monkeypatch.setattr(Activity.objects, "create", broken)
    assert refusal(lambda: redeem(contoso, reviewed)) == redemption.NOTHING_SAVED
    after = Subscription.objects.get(pk=contoso["office"].pk)
    assert (after.seats, after.end_date) == (before.seats, before.end_date)
    assert not ProductKey.objects.get(key=O365_25).is_redeemed
    assert not Activity.objects.exists()


def test_the_activity_record_holds_the_last_group_of_the_key_only(contoso):
    record = redeem(contoso, preview(contoso, O365_25, Action.EXTEND, "office"))
    text = str(record.before) + str(record.after)
    assert "…-F7CPQ" in text
    assert "36XHH" not in text
    assert record.product_key.key == O365_25
    assert record.before["seats"] == 100


def test_a_benefit_expired_after_the_review_is_refused_at_redemption(contoso):
    reviewed = preview(contoso, O365_25, Action.EXTEND, "office")
    benefit = reviewed.key.benefit
    benefit.expiration_date = today() - timedelta(days=1)
    benefit.save()
    assert "has expired" in refusal(lambda: redeem(contoso, reviewed))


def test_a_key_whose_licenses_changed_after_the_review_is_not_redeemed(contoso):
    reviewed = preview(contoso, O365_25, Action.EXTEND, "office")
    ProductKey.objects.filter(pk=reviewed.key.pk).update(licenses=100)  # staff, in the admin
    with pytest.raises(redemption.SubscriptionChanged):
        redeem(contoso, reviewed)
    assert not ProductKey.objects.get(pk=reviewed.key.pk).is_redeemed


def test_a_review_confirmed_after_midnight_is_not_redeemed_with_other_figures(contoso):
    """Activation ends 12 months after the day of redemption: a review of yesterday promised
    an end date a day earlier than today's redemption would give."""
    key = redemption.key_find(organization=contoso["organization"], raw=INTUNE_10)
    yesterday = today() - timedelta(days=1)
    reviewed = redemption.redemption_preview(
        key=key, action=Action.ACTIVATE, tenant=contoso["tenant"], subscription=None,
        today=yesterday,
    )  # fmt: skip
    with pytest.raises(redemption.SubscriptionChanged):
        redeem(contoso, reviewed)
    assert not ProductKey.objects.get(pk=key.pk).is_redeemed


# --- Where a redemption goes: one rule for the wizard's Choose step and the API --------------


def target(contoso, action: str, **chosen):
    return redemption.redemption_target(
        organization=contoso["organization"], action=action, **chosen
    )


def test_activate_goes_to_the_tenant_chosen_or_else_the_primary_one(contoso):
    other = Tenant.objects.create(
        organization=contoso["organization"],
        display_name="Contoso Labs",
        primary_domain="contosolabs.onmicrosoft.com",
        tenant_id=uuid.uuid4(),
    )
    assert target(contoso, Action.ACTIVATE, tenant_id=other.pk) == (other, None)
    assert target(contoso, Action.ACTIVATE) == (contoso["tenant"], None)
    # Activate ignores a subscription named by mistake: a new one is made.
    assert target(contoso, Action.ACTIVATE, subscription_id=contoso["office"].pk)[1] is None


def test_extend_and_add_go_to_the_subscription_chosen_in_its_own_tenant(contoso):
    office = contoso["office"]
    for action in (Action.EXTEND, Action.ADD):
        assert target(contoso, action, subscription_id=office.pk) == (office.tenant, office)


def test_nothing_chosen_and_nothing_to_choose_is_refused_saying_what_to_do(contoso):
    assert refusal(lambda: target(contoso, Action.EXTEND)) == redemption.NO_SUBSCRIPTION
    Tenant.objects.filter(organization=contoso["organization"]).delete()
    assert refusal(lambda: target(contoso, Action.ACTIVATE)) == redemption.NO_TENANT


def test_another_organizations_tenant_or_subscription_is_not_found(contoso, fabrikam):
    tenant = Tenant.objects.filter(organization=fabrikam).first()
    subscription = Subscription.objects.filter(tenant__organization=fabrikam).first()
    assert tenant is not None
    assert subscription is not None
    with pytest.raises(Http404):
        target(contoso, Action.ACTIVATE, tenant_id=tenant.pk)
    with pytest.raises(Http404):
        target(contoso, Action.ADD, subscription_id=subscription.pk)
