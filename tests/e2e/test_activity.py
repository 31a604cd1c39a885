"""The activity log's date range in a real browser: with JavaScript turned off (Apply sends
the form, the range stays in the address and in the download link) and with htmx (the
refused range's message comes back beside the table)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from benefits.forms import RANGE_REVERSED
from tests.e2e.conftest import htmx_settled, page_without_javascript, sign_in

pytestmark = pytest.mark.browser

LOG = reverse("activity")
EXPORT = reverse("activity_export")


def test_the_range_works_without_javascript(browser, live_server, demo):
    page = page_without_javascript(browser, live_server)
    page.goto(LOG)
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To").fill("2030-12-31")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**{LOG}?*from=2026-01-01*to=2030-12-31*")
    download = page.get_by_role("link", name="Download CSV")
    assert download.get_attribute("href") == f"{EXPORT}?from=2026-01-01&to=2030-12-31"
    assert page.get_by_label("From").input_value() == "2026-01-01"
    page.get_by_label("From").fill("2031-01-01")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**{LOG}?*from=2031-01-01*")
    message = str(RANGE_REVERSED % {"start": "01/01/2031"})
    assert message in page.locator("#activity-range").inner_text()
    assert page.get_by_label("To").get_attribute("aria-invalid") == "true"
    page.context.close()


def test_a_refused_range_is_told_in_place_with_htmx(page):
    sign_in(page)
    page.goto(LOG)
    page.evaluate("window.notReloaded = true")
    page.get_by_label("From").fill("2026-03-11")
    page.get_by_label("To").fill("2026-03-10")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**{LOG}?*from=2026-03-11*")
    htmx_settled(page)
    message = str(RANGE_REVERSED % {"start": "03/11/2026"})
    page.get_by_text(message).wait_for()
    assert page.get_by_label("To").get_attribute("aria-invalid") == "true"
    assert page.evaluate("window.notReloaded") is True
