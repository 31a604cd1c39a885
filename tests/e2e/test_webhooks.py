"""The webhooks screens in a real browser: a team admin adds an endpoint, copies its secret
(shown once), finds the delivery log, resends a delivery, disables the endpoint — with
JavaScript turned off, and with it on, where every screen passes axe-core's scan (no serious
or critical finding)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Organization, User
from benefits.models import Activity
from benefits.services.activity import activity_record
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.e2e.conftest import page_without_javascript, serious_violations, sign_in

pytestmark = pytest.mark.browser

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{40,}")


@pytest.fixture
def receiver_on_this_machine(settings):
    """Endpoints on this machine are allowed (nothing listens there: deliveries fail, logged)."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


def a_change_of_roles() -> None:
    contoso = Organization.objects.get(mpn_id="4711001")
    activity_record(
        kind=Activity.Kind.ROLES_CHANGED,
        actor=User.objects.get(email="admin@contoso.example"),
        organization=contoso,
        before={"member": "agent@contoso.example", "roles": []},
        after={"member": "agent@contoso.example", "roles": ["admin_agent"]},
    )


def add_endpoint(page, url: str) -> str:
    """From the Team page, add an endpoint wanting two kinds; the secret shown."""
    page.goto(reverse("team:members"))
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("Endpoint URL").fill(url)
    page.get_by_label("Credit assigned").check()
    page.get_by_label("Roles changed").check()
    page.get_by_role("button", name="Add the endpoint").click()
    secret = page.get_by_label("Secret").input_value()
    assert SECRET.fullmatch(secret)
    return secret


def test_the_screens_work_without_javascript(browser, live_server, demo, receiver_on_this_machine):
    page = page_without_javascript(browser, live_server)
    page.set_default_timeout(10_000)
    secret = add_endpoint(page, "https://localhost:9/in")
    endpoint = WebhookEndpoint.objects.get(url="https://localhost:9/in")
    assert endpoint.secret == secret
    a_change_of_roles()
    page.get_by_role("link", name="Done: go to the endpoint").click()
    assert secret not in page.content()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    page.get_by_role("button", name=f"Resend {delivery.message_id}").click()
    assert "The delivery is sent again, with the same webhook-id." in page.content()
    page.get_by_role("button", name="Disable").click()
    assert "nothing is sent to it until you enable it" in page.content()
    page.get_by_role("link", name="Make a new secret").click()
    page.get_by_role("button", name="Make a new secret").click()
    assert page.get_by_label("Secret").input_value() not in {secret, ""}
    page.context.close()


def test_every_webhooks_screen_passes_the_accessibility_scan(page, receiver_on_this_machine):
    page.set_default_timeout(10_000)
    sign_in(page)
    scanned: dict[str, list[str]] = {}
    page.goto(reverse("team:webhooks"))
    scanned["list, empty"] = serious_violations(page)
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("Endpoint URL").fill("http://hooks.example.com/in")
    page.get_by_role("button", name="Add the endpoint").click()
    assert "The URL must start with https://." in page.content()
    scanned["form with errors"] = serious_violations(page)
    add_endpoint(page, "https://localhost:9/in")
    scanned["secret"] = serious_violations(page)
    a_change_of_roles()
    page.get_by_role("link", name="Done: go to the endpoint").click()
    scanned["endpoint with its log"] = serious_violations(page)
    page.get_by_role("link", name="Delete the endpoint").click()
    scanned["confirmation"] = serious_violations(page)
    page.goto(reverse("team:webhooks"))
    scanned["list"] = serious_violations(page)
    assert scanned == {name: [] for name in scanned}
