"""Every answer, pages and /healthz/ alike, tells the browser to turn off the features the portal
never uses — and leaves passkeys (WebAuthn) available to the sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TURNED_OFF = [
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "serial",
    "bluetooth",
    "hid",
    "midi",
    "display-capture",
    "fullscreen",
    "browsing-topics",
    "interest-cohort",
    "accelerometer",
    "gyroscope",
    "magnetometer",
    "autoplay",
]
PASSKEYS = ["publickey-credentials-get", "publickey-credentials-create"]


def features(header: str) -> dict[str, str]:
    """``"camera=(), usb=()"`` → ``{"camera": "()", "usb": "()"}``."""
    pairs = (item.strip().partition("=") for item in header.split(","))
    return {name: allowlist for name, _, allowlist in pairs}


@pytest.mark.parametrize("name", ["login", "healthz"])
def test_anonymous_answers_turn_off_unused_browser_features(client, name):
    policy = features(client.get(reverse(name))["Permissions-Policy"])
    assert {feature: policy.get(feature) for feature in TURNED_OFF} == dict.fromkeys(
        TURNED_OFF, "()"
    )


def test_signed_in_pages_turn_off_unused_browser_features(partner_client):
    policy = features(partner_client.get(reverse("home"))["Permissions-Policy"])
    assert all(policy.get(feature) == "()" for feature in TURNED_OFF)


@pytest.mark.parametrize("name", ["login", "healthz"])
def test_passkeys_stay_available_to_the_portal(client, name):
    policy = features(client.get(reverse(name))["Permissions-Policy"])
    # Not listed: the browser's default, the portal's own origin ("self").
    for feature in PASSKEYS:
        assert policy.get(feature, "self") in {"self", "(self)"}, feature
