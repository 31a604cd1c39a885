"""The redemption wizard in a real browser: from Your products to Done, in place, by keyboard
and without JavaScript, with an accessibility scan of every step."""

from __future__ import annotations

import re
import time

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import page_without_javascript, serious_violations, sign_in

pytestmark = pytest.mark.browser


def action_link(page, action: str, product: str):
    return page.get_by_role("link", name=re.compile(rf"^{action}\W+{re.escape(product)}$"))


def test_extend_office_with_the_25_seat_key(page):
    sign_in(page)
    page.goto("/products/")
    action_link(page, "Extend end date", "Office 365 E3").click()
    page.get_by_label("Product key", exact=True).wait_for()
    assert serious_violations(page) == []
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Product key", exact=True).fill("36xhh 2d2tt 9hb6d fv6m9 f7cpq")
    page.get_by_role("button", name="Validate").click()
    expected = timezone.localdate() + relativedelta(months=9)  # 6 left + 3
    end_after = page.get_by_test_id("end-after")
    end_after.locator(f'time[datetime="{expected.isoformat()}"]').wait_for()
    assert "25 × 12 ÷ 100 = 3 months" in page.get_by_test_id("arithmetic").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Redeem").click()
    page.get_by_test_id("done-end").locator(f'time[datetime="{expected.isoformat()}"]').wait_for()
    assert serious_violations(page) == []
    assert page.evaluate("window.notReloaded") is True


def test_add_100_licenses_by_keyboard_alone(page):
    sign_in(page)
    page.goto("/products/")
    action_link(page, "Add licenses", "Office 365 E3").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Product key", exact=True).wait_for()
    page.get_by_label("Product key", exact=True).focus()
    page.keyboard.type("W7QCC-MCX3K-J9X3F-96QVT-YR36V")
    page.keyboard.press("Enter")
    page.get_by_text("(100 × 6 + 100 × 12) ÷ 200 = 9 months").wait_for()
    expected = timezone.localdate() + relativedelta(months=9)
    assert page.get_by_test_id("end-after").locator("time").get_attribute("datetime") == (
        expected.isoformat()
    )
    assert "less than 12 months left" in page.get_by_role("alert").first.inner_text()
    page.get_by_role("button", name="Redeem").focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("done-seats").wait_for()
    assert page.get_by_test_id("done-seats").inner_text() == "200"
    assert page.get_by_test_id("done-end").locator("time").get_attribute("datetime") == (
        expected.isoformat()
    )


def test_refused_keys_show_their_messages(page):
    sign_in(page)
    page.goto("/products/")
    action_link(page, "Extend end date", "Power BI Pro").click()
    page.get_by_label("Product key", exact=True).fill("KQH88-6PMYQ-TH2VP-6J74B-TKCXD")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("more than three times the licenses").wait_for()
    page.get_by_label("Product key", exact=True).fill("O6XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("Product keys never contain O, 0 or 1 — check these characters: O.").wait_for()


def test_too_many_attempts_shows_its_message_in_place(page):
    from django.core.cache import cache

    from accounts.models import User
    from common import ratelimit

    page.expected_statuses = {429}
    sign_in(page)
    page.goto("/products/")
    action_link(page, "Extend end date", "Office 365 E3").click()
    page.get_by_label("Product key", exact=True).wait_for()
    count_key, window_key = ratelimit.cache_keys(User.objects.get(email="admin@contoso.example").pk)
    cache.set(window_key, time.time(), ratelimit.WINDOW_SECONDS)
    cache.set(count_key, ratelimit.LIMIT, ratelimit.WINDOW_SECONDS)
    page.get_by_label("Product key", exact=True).fill("36xhh 2d2tt 9hb6d fv6m9 f7cpq")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("Too many attempts, try again in 15 minutes.").wait_for()
    assert page.get_by_label("Product key", exact=True).is_visible()


def test_the_wizard_works_without_javascript(browser, live_server, demo):
    page = page_without_javascript(browser, live_server)
    page.goto("/mpn/benefits/redeem/?restart=1")
    page.get_by_label("Activate a new subscription").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Product key", exact=True).fill("KFCQB-TWKJX-J7KTQ-M4PMB-QQRJQ")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("re-activated, not duplicated").wait_for()
    page.get_by_role("button", name="Redeem").click()
    page.get_by_text("Done: the key is redeemed").wait_for()
    page.context.close()


def open_redeem_link_and_extend_office(page, key: str) -> None:
    """From the Office 365 benefit's details: a key's Redeem link, then Extend end date."""
    from benefits.models import Benefit, ProductKey, Subscription

    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    benefit = Benefit.objects.get(organization__mpn_id="4711001", product__name="Office 365 E3")
    page.goto(reverse("benefits:benefit_detail", args=[benefit.pk]))
    masked = ProductKey.objects.get(key=key).masked_key
    page.get_by_role("link", name=f"Redeem {masked}").click()
    page.get_by_label("Extend the end date", exact=True).check()
    page.get_by_label("Subscription", exact=True).select_option(str(office.pk))
    page.get_by_label("Tenant", exact=True).select_option(str(office.tenant_id))
    page.get_by_role("button", name="Next").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_a_redeem_link_redeems_its_key_without_showing_it(browser, live_server, demo, javascript):
    from benefits.models import ProductKey

    if javascript:
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        sign_in(page)
    else:
        page = page_without_javascript(browser, live_server)
    open_redeem_link_and_extend_office(page, "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
    page.get_by_text("Product key …-F7CPQ, from the benefit's details").wait_for()
    assert page.get_by_label("Product key", exact=True).count() == 0  # nothing to read back
    assert "2D2TT" not in page.content()
    if javascript:
        assert serious_violations(page) == []
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("25 × 12 ÷ 100 = 3 months").wait_for()
    assert "2D2TT" not in page.content()
    page.get_by_role("button", name="Redeem").click()
    page.get_by_text("Done: the key is redeemed").wait_for()
    assert "2D2TT" not in page.content()
    assert ProductKey.objects.get(key="36XHH-2D2TT-9HB6D-FV6M9-F7CPQ").is_redeemed
    assert not ProductKey.objects.get(key="W7QCC-MCX3K-J9X3F-96QVT-YR36V").is_redeemed
    page.context.close()


def test_type_another_key_instead_of_the_redeem_links(page):
    sign_in(page)
    open_redeem_link_and_extend_office(page, "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
    page.get_by_role("button", name="Type another key instead").click()
    page.get_by_label("Product key", exact=True).fill("W7QCC-MCX3K-J9X3F-96QVT-YR36V")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("100 × 12 ÷ 100 = 12 months").wait_for()
    assert serious_violations(page) == []
