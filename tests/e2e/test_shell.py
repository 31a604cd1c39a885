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


# Taller than this, a top-bar entry has broken over two lines (one line: 31 to 40 px; two: 55+).
ONE_LINE_PX = 48
TOP_BAR_ENTRIES = """
    [...document.querySelectorAll('.pb-topbar .btn, .pb-topbar .navbar-text:not(.pb-org)')]
        .map(entry => [entry.innerText.trim(), entry.getBoundingClientRect().height])
"""


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
@pytest.mark.parametrize("width", [1280, 1024, 360])
def test_the_top_bar_never_breaks_an_entry_over_two_lines(page, locale, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page)
    page.goto(reverse("benefits:overview"))

    entries = page.evaluate(TOP_BAR_ENTRIES)
    assert len(entries) >= 6
    assert [text for text, height in entries if height > ONE_LINE_PX] == []
    if width == 1280 and locale == "en-US":  # the organization's name narrows first
        middles = page.evaluate(
            "[...document.querySelectorAll('.pb-topbar > *')].map(entry => {"
            " const box = entry.getBoundingClientRect(); return (box.top + box.bottom) / 2 })"
        )
        assert max(middles) - min(middles) < ONE_LINE_PX / 2, middles
