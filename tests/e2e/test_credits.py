"""Azure credit in a real browser: assign and remove monthly credit with the picker, transfer
bulk credit, all in place; and the activity log that records it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import AzureOffer
from benefits.services.credits import OTHER_OFFER
from benefits.views.credits import ASSIGNED, REMOVED, TRANSFERRED
from tests.e2e.conftest import htmx_settled, serious_violations, sign_in

pytestmark = pytest.mark.browser


def open_details(page, product: str):
    page.goto(reverse("benefits:azure_cloud"))
    page.get_by_role("button", name=re.compile(rf"^View details\W+{re.escape(product)}$")).click()
    area = page.locator(".pb-assignment").filter(has_text="User assignment")
    area.wait_for()
    return area


def open_picker(page, area, link_name: str):
    area.get_by_role("link", name=link_name).click()
    page.locator(".pb-picker").wait_for()
    htmx_settled(page)


def test_assign_then_remove_monthly_credit_in_place(page):
    sign_in(page)
    area = open_details(page, "Azure monthly credit — 100 per month")
    page.evaluate("window.notReloaded = true")
    open_picker(page, area, "Assign user")
    search = page.get_by_label("Assign user — search by name or address")
    search.press_sequentially("ade")
    page.get_by_role("button", name="Assign Adele Vance").click()
    page.get_by_role("status").filter(has_text=str(ASSIGNED % {"name": "Adele Vance"})).wait_for()
    assert "1 of 2 seats assigned." in area.inner_text()
    assert serious_violations(page) == []

    area.get_by_role("link", name="Remove Adele Vance").click()
    page.get_by_role("button", name="Remove Adele Vance").click()
    page.get_by_role("status").filter(has_text=str(REMOVED % {"name": "Adele Vance"})).wait_for()
    assert "Nobody holds this credit yet." in area.inner_text()
    assert page.evaluate("window.notReloaded") is True


def test_refusals_say_why_in_place(page):
    sign_in(page)
    area = open_details(page, "Azure bulk credit — 6,000 per year")
    open_picker(page, area, "Assign user")
    page.get_by_label("Assign user — search by name or address").press_sequentially("meg")
    page.get_by_role("button", name="Assign Megan Bowen").click()
    refusal = OTHER_OFFER % {"name": "Megan Bowen", "offer": AzureOffer.AZURE_PASS.label}
    alert = page.get_by_role("alert").filter(has_text=str(refusal))
    alert.wait_for()


def test_transfer_bulk_credit_and_see_it_in_the_activity_log(page):
    sign_in(page)
    area = open_details(page, "Azure bulk credit — 6,000 per year")
    open_picker(page, area, "Assign user")
    page.get_by_label("Assign user — search by name or address").press_sequentially("alex")
    page.get_by_role("button", name="Assign Alex Wilber").click()
    page.get_by_role("status").filter(has_text=str(ASSIGNED % {"name": "Alex Wilber"})).wait_for()
    assert area.get_by_role("link", name=re.compile("^Remove")).count() == 0

    open_picker(page, area, "Transfer Alex Wilber")
    page.get_by_label(re.compile("Transfer Alex Wilber's credit to")).press_sequentially("lee")
    page.get_by_role("button", name="Transfer Lee Gu").click()
    page.get_by_role("status").filter(
        has_text=str(TRANSFERRED % {"name": "Lee Gu", "holder": "Alex Wilber"})
    ).wait_for()

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Activity"
    ).click()
    page.wait_for_url(f"**{reverse('activity')}")
    first_row = page.locator("tbody tr").first
    assert "Credit transferred" in first_row.inner_text()
    assert "Alex Wilber" in first_row.inner_text()
    assert "Lee Gu" in first_row.inner_text()
    assert serious_violations(page) == []


def test_the_picker_shows_the_results_of_the_last_text_typed(page):
    """Slow typing sends one search per pause; the answer on screen is always the newest."""
    sign_in(page)
    area = open_details(page, "Azure monthly credit — 100 per month")
    open_picker(page, area, "Assign user")
    search = page.get_by_label("Assign user — search by name or address")
    search.press_sequentially("ale", delay=400)
    search.press_sequentially("x", delay=400)
    page.get_by_role("button", name="Assign Alex Wilber").wait_for()
    search.fill("")
    search.press_sequentially("ad", delay=400)
    page.get_by_role("button", name="Assign Adele Vance").wait_for()
    assert page.get_by_role("button", name="Assign Alex Wilber").count() == 0
