"""Azure & Cloud products in a real browser: filters, sorting and details without leaving the
page, and the same journeys with JavaScript turned off."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse_lazy

from tests.e2e.conftest import htmx_settled, page_without_javascript, serious_violations, sign_in

pytestmark = pytest.mark.browser

LIST = reverse_lazy("benefits:azure_cloud")


def details_toggle(page, product: str, role: str = "button"):
    """With JavaScript the View details link is a disclosure button; without, a plain link."""
    return page.get_by_role(role, name=re.compile(rf"^View details\W+{re.escape(product)}$"))


def license_products(page) -> list[str]:
    return page.locator(
        "#section-license + div tbody tr:not(.pb-details-row) td:first-child"
    ).all_inner_texts()


def test_search_sort_and_expand_details_without_a_page_load(page):
    sign_in(page)
    page.goto(str(LIST))
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Search by product").fill("o")
    page.get_by_label("Search by product").press_sequentially("ffice")
    page.wait_for_url(f"**{LIST}?q=office")
    assert license_products(page) == ["Office 365 E3"]

    page.get_by_label("Search by product").fill("")
    page.get_by_label("Offer").select_option("gold")
    page.wait_for_url(f"**{LIST}?offer=gold")
    assert license_products(page) == ["Microsoft Intune", "Office 365 E3"]

    page.locator("#section-license + div").get_by_role("link", name="Quantity").click()
    page.wait_for_url(f"**{LIST}?offer=gold&sort=quantity")
    assert license_products(page) == ["Microsoft Intune", "Office 365 E3"]
    page.locator("#section-license + div").get_by_role("link", name="Quantity").click()
    page.wait_for_url(f"**{LIST}?offer=gold&sort=-quantity")
    assert license_products(page) == ["Office 365 E3", "Microsoft Intune"]

    details_toggle(page, "Office 365 E3").click()
    details = page.locator(".pb-details").filter(has_text="…-F7CPQ")
    details.wait_for()
    assert details.is_visible()
    assert details_toggle(page, "Office 365 E3").get_attribute("aria-expanded") == "true"
    assert serious_violations(page) == []
    assert page.evaluate("window.notReloaded") is True


def test_the_list_works_without_javascript(browser, live_server, demo):
    page = page_without_javascript(browser, live_server)
    page.goto(str(LIST))
    page.get_by_label("Status").select_option("expired")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**{LIST}?*status=expired*")
    assert license_products(page) == ["Azure AD Basic"]
    details_toggle(page, "Azure AD Basic", role="link").click()
    page.wait_for_url(f"**{LIST}*/?status=expired")
    assert page.get_by_role("heading", level=1).inner_text() == "Azure AD Basic"
    # The way back returns to the list as it was left: filtered.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Azure").click()
    page.wait_for_url(f"**{LIST}?status=expired")
    assert license_products(page) == ["Azure AD Basic"]
    page.context.close()


def test_back_button_brings_back_the_previous_view_whole(page):
    sign_in(page)
    page.goto(str(LIST))
    page.get_by_label("Offer").select_option("gold")
    page.wait_for_url(f"**{LIST}?offer=gold")
    htmx_settled(page)
    sort = page.locator("#sort-license-quantity")
    sort.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{LIST}?offer=gold&sort=quantity")
    # Focus stays on the header that was activated, so a keyboard user can press it again.
    # htmx puts the focus back once the swapped table has settled, a moment after the address.
    page.wait_for_function(
        "() => document.activeElement?.id === 'sort-license-quantity'", timeout=5000
    )
    page.go_back()
    page.wait_for_url(f"**{LIST}?offer=gold")
    page.locator("#benefit-filters").wait_for()
    assert page.get_by_label("Offer").input_value() == "gold"
    assert license_products(page) == ["Microsoft Intune", "Office 365 E3"]
    assert page.locator("#benefit-filters").count() == 1
