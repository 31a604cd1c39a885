"""The API's interactive docs (/api/v1/docs) in a real browser: Swagger UI drawn from the
portal's own static files under the portal's Content-Security-Policy (the ``page`` fixture fails
the test on any violation or script error), every operation of the document listed, and not
one request to another host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from benefits.api.api import api

pytestmark = pytest.mark.browser


def test_the_docs_draw_every_operation_from_the_portal_alone(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(reverse("api:openapi-view"))
    assert response is not None
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy

    page.locator(".swagger-ui .info .title").wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Partner Benefits API")
    document = api.get_openapi_schema()
    operations = [
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    ]
    page.locator(".opblock").first.wait_for()
    shown = page.locator(".opblock .opblock-summary-path").all_inner_texts()
    assert sorted(path.replace("\u200b", "") for path in shown) == sorted(
        path for _method, path in operations
    )
    # An operation opens with its parameters and responses, problems included.
    page.locator(".opblock-summary", has_text="/api/v1/redemptions/preview").first.click()
    page.locator(".opblock-body .responses-table").first.wait_for()
    assert "application/problem+json" in page.locator(".opblock-body").first.inner_text()

    origin = urlsplit(live_server.url)
    elsewhere = [
        address
        for address in requested
        if not address.startswith("data:")
        and (urlsplit(address).scheme, urlsplit(address).netloc) != (origin.scheme, origin.netloc)
    ]
    assert elsewhere == []
    assert any(address.endswith("/static/ninja/swagger-ui-bundle.js") for address in requested)
