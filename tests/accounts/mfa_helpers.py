"""Signing in and enrolling an authenticator app through the pages, as a person would; codes are
computed from the enrolled secret with allauth's own TOTP functions."""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD

# The portal accepts the code of the current period only (allauth's TOTP_TOLERANCE is 0): a code
# worked out in a period's last moments would reach the server in the next one and be refused.
BOUNDARY_MARGIN_SECONDS = 3


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The app's code for now (``offset`` periods later or earlier), worked out at least
    ``BOUNDARY_MARGIN_SECONDS`` before the period ends, so that the request (or the browser)
    carrying it is checked in the same period."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < BOUNDARY_MARGIN_SECONDS:
        time.sleep(left)
    counter = int(time.time()) // period + offset
    return format_hotp_value(hotp_value(secret, counter))


def fresh_code(secret: str, user_id: int) -> str:
    """The code for now, forgotten as used: allauth refuses a code twice within its period, and
    a test signs in more often than a person."""
    code = totp_code(secret)
    cache.delete(f"allauth.mfa.totp.used?user={user_id}&code={code}")
    return code


def sign_in(client, email: str, password: str = TEST_PASSWORD):
    return client.post(reverse("login"), {"login": email, "password": password})


def enrol_totp(client) -> str:
    """Activates an authenticator app for the signed-in account; returns its secret."""
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.context["form"].errors
    return secret


def age_authentications(client, seconds: int) -> None:
    """Makes every sign-in and re-authentication of this session ``seconds`` older."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds} for record in records
    ]
    session.save()
