"""Pictures of the portal for the README: `make screenshots` (skipped in the normal suite)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")


@pytest.mark.skipif(not SCREENSHOTS_DIR, reason="set SCREENSHOTS_DIR (make screenshots)")
@pytest.mark.parametrize(
    ("name", "url_name", "expand"),
    [
        ("home", "home", None),
        ("benefits-overview", "benefits:overview", None),
        ("azure-cloud", "benefits:azure_cloud", "Power BI Pro"),
        ("redeem-review", "benefits:redeem", None),
        ("team", "team:members", None),
        ("notifications", "notifications:list", None),
        ("two-step", "mfa_activate_totp", None),
        ("report", "benefits:report", None),
        ("api-tokens", "team:tokens", None),
        ("webhooks", "team:webhook_create", None),
        ("api-docs", "api:openapi-view", None),
    ],
)
def test_screenshot(page, name, url_name, expand):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page)
    page.goto(reverse(url_name))
    if name == "redeem-review":
        page.goto(reverse("products"))
        page.get_by_role("link", name=re.compile(r"^Extend end date\W+Office 365 E3$")).click()
        page.get_by_label("Product key", exact=True).fill("36XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
        page.get_by_role("button", name="Validate").click()
        page.get_by_test_id("arithmetic").wait_for()
    if name == "api-docs":
        page.locator(".opblock").first.wait_for()
    if expand:
        page.get_by_role("button", name=re.compile(rf"View details\W+{expand}")).click()
        page.locator(".pb-details code").first.wait_for()
    target = Path(SCREENSHOTS_DIR)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=target / f"{name}.png", full_page=bool(expand) or name in {"redeem-review", "report"}
    )
