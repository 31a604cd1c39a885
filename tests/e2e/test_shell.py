"""The portal shell in a real browser: sign in, navigate, switch language, sign out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_sign_in_navigate_and_sign_out(page):
    sign_in(page)
    assert page.get_by_test_id("organization").inner_text().startswith("Contoso Partners")
    assert page.evaluate("typeof window.htmx") == "object"
    # Bootstrap's stylesheet is served by the portal itself.
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Benefits"
    ).click()
    page.wait_for_url(f"**{reverse('benefits:overview')}")
    assert page.get_by_test_id("keys-available").inner_text() == "6"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"**{reverse('login')}")


def test_the_language_switch_keeps_the_page(page):
    sign_in(page)
    page.goto(reverse("benefits:overview"))
    page.get_by_role("button", name="FR").click()
    page.wait_for_url(f"**{reverse('benefits:overview')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Avantages"
    assert page.locator("html").get_attribute("lang") == "fr"


def test_other_roles_see_which_roles_have_access(page):
    sign_in(page, "billing@contoso.example")
    response = page.goto(reverse("benefits:overview"))
    assert response.status == 403
    assert "MPN partner admin" in page.get_by_role("alert").inner_text()
