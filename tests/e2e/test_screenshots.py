"""Pictures of the portal for the README: `make screenshots` (skipped in the normal suite)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")


@pytest.mark.skipif(not SCREENSHOTS_DIR, reason="set SCREENSHOTS_DIR (make screenshots)")
@pytest.mark.parametrize(("name", "path"), [("home", "/"), ("benefits-overview", "/mpn/benefits/")])
def test_screenshot(page, name, path):
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page)
    page.goto(path)
    target = Path(SCREENSHOTS_DIR)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=target / f"{name}.png", full_page=False)
