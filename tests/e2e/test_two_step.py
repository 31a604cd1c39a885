"""Two-step verification in the browser: enrolling an authenticator app and signing in with a
code computed from the enrolled secret; enrolling a passkey with Chromium's virtual
authenticator and signing in with it. The new screens pass axe and the CSP (page fixture)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.accounts.mfa_helpers import totp_code
from tests.e2e.conftest import DEMO_PASSWORD, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "admin@contoso.example"


def password_step(page) -> None:
    page.goto(reverse("login"))
    page.locator("#id_login").fill(EMAIL)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#main form button[type=submit]").first.click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: urlsplit(url).path == reverse("login"))


def at(path: str):
    return lambda url: urlsplit(url).path == path


def test_enrol_an_authenticator_app_and_sign_in_with_its_code(page):
    password_step(page)
    page.wait_for_url(at(reverse("home")))
    page.get_by_role("link", name="Two-step verification").click()
    assert serious_violations(page) == []
    page.goto(reverse("mfa_activate_totp"))
    qr = page.locator("img[src^='data:image/svg+xml']")
    assert qr.is_visible()
    assert serious_violations(page) == []
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(at(reverse("mfa_view_recovery_codes")))
    assert len(page.locator("#recovery_codes").input_value().split()) == 10
    assert serious_violations(page) == []
    sign_out(page)

    password_step(page)
    page.wait_for_url(at(reverse("mfa_authenticate")))
    assert serious_violations(page) == []
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(at(reverse("home")))


def test_enrol_a_passkey_and_sign_in_with_it(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    password_step(page)
    page.wait_for_url(at(reverse("home")))
    page.goto(reverse("mfa_add_webauthn"))
    assert serious_violations(page) == []
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(at(reverse("mfa_view_recovery_codes")))
    assert Authenticator.objects.filter(type=Authenticator.Type.WEBAUTHN).count() == 1
    sign_out(page)

    password_step(page)
    page.wait_for_url(at(reverse("mfa_authenticate")))
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(at(reverse("home")))
