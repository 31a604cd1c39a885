"""The redemption wizard through its pages: every scenario of the demo data, with and without
htmx, double submits, tampering, bad input and the rate limit (the Choose step's own checks are
in test_redeem_choose.py, Redeem links in test_redeem_prefilled_key.py, Your products in
test_products_page.py)."""

from __future__ import annotations

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accounts.models import Tenant, User
from benefits.models import Activity, ProductKey, Subscription
from tests.benefits.wizard import set_wizard_state, wizard_state
from tests.benefits.wizard_pages import (
    FABRIKAM_KEY,
    INTUNE_10,
    O365_25,
    O365_100,
    PBI_10,
    PBI_20,
    URL,
    redeem,
    start,
    sub,
    text,
    token,
    validate,
)
from tests.conftest import HTMX

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("each_state_store", "fresh_rate_limit"),
]


@pytest.mark.parametrize(
    ("name", "key", "action", "months", "seats"),
    [
        ("Office 365 E3", O365_25, "extend", 3, 100),
        ("Office 365 E3", O365_100, "extend", 12, 100),
        ("Power BI Pro", PBI_10, "extend", 24, 5),
    ],
)
def test_extend_through_the_wizard_without_javascript(
    contoso_client, name, key, action, months, seats
):
    end = sub(name).end_date
    assert "Enter the product key" in text(start(contoso_client, name, action))
    response = validate(contoso_client, key.lower())
    assert response.status_code == 302
    review = text(contoso_client.get(URL))
    expected = (end + relativedelta(months=months)).isoformat()
    assert f'data-testid="end-after"><time datetime="{expected}">' in review
    assert f"× 12 ÷ {seats} = {months} months" in review
    assert "contoso.onmicrosoft.com" in review
    assert redeem(contoso_client).status_code == 302
    done = text(contoso_client.get(URL))
    assert "Done: the key is redeemed" in done
    assert f'<time datetime="{expected}">' in done
    assert sub(name).end_date.isoformat() == expected


def test_add_100_licenses_shows_the_average_and_the_warning(contoso_client):
    start(contoso_client, "Office 365 E3", "add")
    review = text(validate(contoso_client, O365_100, HTMX))
    assert "(100 × 6 + 100 × 12) ÷ 200 = 9 months" in review
    assert "less than 12 months left (9 months)" in review
    assert "If you extended the end date instead" in review
    done = text(redeem(contoso_client, HTMX))
    assert 'data-testid="done-seats">200<' in done
    office = sub("Office 365 E3")
    assert (office.seats, office.end_date) == (200, timezone.localdate() + relativedelta(months=9))


def test_the_review_of_an_extension_shows_what_adding_would_give(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    review = text(validate(contoso_client, O365_25, HTMX))
    assert "If you added licenses instead" in review
    assert "125 licenses" in review


def test_the_20_seat_key_is_refused_on_power_bi(contoso_client):
    start(contoso_client, "Power BI Pro", "extend")
    page = text(validate(contoso_client, PBI_20, HTMX))
    assert "more than three times the licenses of your subscription (5)" in page
    assert not ProductKey.objects.get(key=PBI_20).is_redeemed


def test_reactivate_intune_from_your_products(contoso_client):
    products = text(contoso_client.get(reverse("products")))
    intune = sub("Microsoft Intune")
    assert f"?subscription={intune.pk}&amp;action=activate" in products
    start(contoso_client, "Microsoft Intune", "activate")
    review = text(validate(contoso_client, INTUNE_10, HTMX))
    assert "re-activated, not duplicated" in review
    redeem(contoso_client, HTMX)
    intune.refresh_from_db()
    assert intune.end_date == timezone.localdate() + relativedelta(months=12)
    assert Subscription.objects.filter(product__name="Microsoft Intune").count() == 1


def test_extending_a_disabled_subscription_offers_activation(contoso_client):
    contoso_client.get(URL, {"restart": 1})
    set_wizard_state(
        contoso_client,
        {
            "step": "key",
            "action": "extend",
            "subscription_id": sub("Microsoft Intune").pk,
            "tenant_id": sub("Microsoft Intune").tenant_id,
        },
    )
    page = text(validate(contoso_client, INTUNE_10, HTMX))
    assert "Activate the key as a new subscription" in page
    assert "action=activate" in page


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("W4G2R-T333C-F8V6Y-8DQGF-QJQY4", "The product key you entered has expired."),
        (FABRIKAM_KEY, "We can&#x27;t find this product key."),
        (PBI_10, "This key is for Power BI Pro; the subscription you chose is Office 365 E3."),
        ("36XHH-2D2TT-9HB6D-FV6M9-F7C", "A product key has 25 characters; you entered 23."),
        ("", "Enter a product key"),
        ("X" * 20_000, "A product key has 25 characters; this is far longer."),
        ("<script>alert(1)</script>", "check these characters"),
        ("３６XHH-2D2TT-9HB6D-FV6M9-F7CPQ", "check these characters: ３"),
        (O365_25 * 3, "you entered 75"),
        ("36XHH\x00-2D2TT", "Null characters are not allowed"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_refused_keys_say_why(contoso_client, key, message, headers):
    start(contoso_client, "Office 365 E3", "extend")
    response = validate(contoso_client, key, headers)
    assert response.status_code == 200
    assert message in text(response)
    assert "<script>alert" not in response.content.decode()
    assert not Activity.objects.exists()


def test_a_used_key_says_when_and_where(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    validate(contoso_client, O365_25, HTMX)
    redeem(contoso_client, HTMX)
    start(contoso_client, "Office 365 E3", "extend")
    page = text(validate(contoso_client, O365_25, HTMX))
    assert "This product key has already been used." in page
    assert "into Office 365 E3 (contoso.onmicrosoft.com)" in page


def test_pressing_redeem_twice_redeems_once_and_shows_the_same_page(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    validate(contoso_client, O365_25, HTMX)
    reviewed_token = token(contoso_client)
    first = text(
        contoso_client.post(URL, {"step": "review", "token": reviewed_token}, headers=HTMX)
    )
    second = text(
        contoso_client.post(URL, {"step": "review", "token": reviewed_token}, headers=HTMX)
    )
    without_csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_csrf.sub("", first) == without_csrf.sub("", second)
    assert "Done: the key is redeemed" in second
    assert Activity.objects.filter(kind="key_redeemed").count() == 1
    assert ProductKey.objects.get(key=O365_25).is_redeemed


def test_a_subscription_changed_after_review_is_shown_again(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    validate(contoso_client, O365_25, HTMX)
    Subscription.objects.filter(pk=sub("Office 365 E3").pk).update(seats=50)
    page = text(redeem(contoso_client, HTMX))
    assert "changed since you reviewed it" in page
    assert "25 × 12 ÷ 50 = 6 months" in page
    assert not ProductKey.objects.get(key=O365_25).is_redeemed
    # Confirming the new figures redeems.
    assert "Done" in text(redeem(contoso_client, HTMX))


@pytest.mark.parametrize(
    "data",
    [
        {"step": "review", "token": "forged"},
        {"step": "nonsense"},
        {"step": "review"},
        {},
        {"step": "choose", "action": "extend", "subscription": "999999", "tenant": "1"},
        {"step": "choose", "action": "steal", "tenant": "x"},
    ],
)
def test_tampered_or_skipped_steps_change_nothing(contoso_client, data):
    contoso_client.get(URL, {"restart": 1})
    response = contoso_client.post(URL, data, headers=HTMX)
    assert response.status_code == 200
    assert not Activity.objects.exists()
    assert not ProductKey.objects.filter(redeemed_at__isnull=False).exists()


def test_validating_a_key_before_choosing_goes_back_to_choose(contoso_client):
    contoso_client.get(URL, {"restart": 1})
    page = text(validate(contoso_client, O365_25, HTMX))
    assert "Choose what to do with the key first." in page or "What do you want to do" in page


def test_ten_failed_validations_lock_key_entry_for_a_while(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    for _ in range(10):
        assert validate(contoso_client, "BCDFG-HJKMP-QRTVW-XY234-6789B", HTMX).status_code == 200
    locked = validate(contoso_client, O365_25, HTMX)
    assert locked.status_code == 429
    assert re.search(r"Too many attempts, try again in 1[45] minutes", text(locked))
    assert not ProductKey.objects.get(key=O365_25).is_redeemed


def test_the_activity_log_shows_the_redemption_without_the_full_key(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    validate(contoso_client, O365_25, HTMX)
    redeem(contoso_client, HTMX)
    page = text(contoso_client.get(reverse("activity")))
    assert "Product key redeemed" in page
    assert "100 licenses, ends" in page
    assert "…-F7CPQ" in page
    assert O365_25 not in page


def test_a_second_press_that_lost_the_race_still_shows_the_confirmation(contoso_client):
    """Two presses of one review at once: the other press redeemed with this review's token
    (and its wizard state was overwritten); this press finds the record by the token and shows
    the same Done."""
    from benefits.services import redemption
    from benefits.wizard.state import REVIEW
    from tests.benefits.wizard import wizard

    start(contoso_client, "Office 365 E3", "extend")
    validate(contoso_client, O365_25, HTMX)
    state = wizard(contoso_client)
    assert state.step == REVIEW
    assert state.key_id is not None
    office = sub("Office 365 E3")
    admin = User.objects.get(email="admin@contoso.example")
    organization = admin.organization
    assert organization is not None
    redemption.key_redeem(
        organization=organization,
        key=ProductKey.objects.get(pk=state.key_id),
        action="extend",
        tenant=office.tenant,
        subscription=office,
        reviewed=state.reviewed,
        token=state.token,
        actor=admin,
        today=timezone.localdate(),
    )
    page = text(redeem(contoso_client, HTMX))
    assert "Done: the key is redeemed" in page
    assert Activity.objects.filter(kind="key_redeemed").count() == 1


def test_a_review_left_open_in_another_tab_cannot_redeem_new_figures(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    validate(contoso_client, O365_25, HTMX)
    old_token = token(contoso_client)
    Subscription.objects.filter(pk=sub("Office 365 E3").pk).update(seats=50)
    contoso_client.get(URL)  # the review shown again, in another tab, with the new figures
    contoso_client.post(URL, {"step": "review", "token": old_token}, headers=HTMX)
    assert not ProductKey.objects.get(key=O365_25).is_redeemed


def test_each_session_keeps_its_own_wizard(contoso_client):
    from django.test import Client

    other_session = Client()
    other_session.force_login(User.objects.get(email="admin@contoso.example"))
    start(contoso_client, "Office 365 E3", "extend")
    validate(contoso_client, O365_25)
    assert wizard_state(contoso_client)["step"] == "review"
    assert 'value="choose"' in text(other_session.get(URL))
    assert wizard_state(contoso_client)["step"] == "review"


def test_a_choice_that_vanished_goes_back_to_choose_saying_so(contoso_client):
    """The subscription chosen deleted (staff, in the admin) before the key is typed, or the
    tenant gone before an activation's key: back to Choose with the reason, nothing redeemed."""
    from benefits.wizard.base import CHOOSE_FIRST

    start(contoso_client, "Power BI Pro", "extend")
    Subscription.objects.filter(pk=sub("Power BI Pro").pk).delete()
    page = text(validate(contoso_client, PBI_10, HTMX))
    assert str(CHOOSE_FIRST) in page
    assert 'value="choose"' in page

    contoso_client.get(URL, {"action": "activate"})
    Tenant.objects.filter(primary_domain__endswith=".onmicrosoft.com").delete()
    page = text(validate(contoso_client, O365_25, HTMX))
    assert str(CHOOSE_FIRST) in page
    assert not ProductKey.objects.filter(key=O365_25, redeemed_at__isnull=False).exists()
