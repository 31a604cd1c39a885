"""Behind the HTTPS proxy every request connects from the proxy: the sign-in lockout must count
the address the proxy forwards, so that ten failures from an attacker lock the attacker's address
and not the real admin's — and a forged X-Forwarded-For must not move the attacker elsewhere."""

from __future__ import annotations

import pytest
import requests
from django.test import override_settings
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.benefits.live_server import csrf_token, start_gunicorn
from tests.fresh_process import PRODUCTION_ENV, run_python

__all__ = ["start_gunicorn"]  # the fixture, used by name

LOGIN = reverse("login")
HOME = reverse("home")
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.9"
ADMIN = "198.51.100.7"
EMAIL = "admin@contoso.example"
# The attacker prepends a hop naming the admin's address; the proxy appends the real one.
FORGED = f"{ADMIN}, {ATTACKER}"


def sign_in(client, email: str, password: str, forwarded: str):
    return client.post(
        LOGIN,
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_an_attacker_locks_only_its_own_address(client, admin_user):
    for _ in range(10):
        sign_in(client, admin_user.email, "wrong", ATTACKER)
    assert sign_in(client, admin_user.email, "wrong", ATTACKER).status_code == 429
    assert sign_in(client, admin_user.email, "wrong", FORGED).status_code == 429
    assert sign_in(client, admin_user.email, TEST_PASSWORD, ADMIN).status_code == 302


# --- Over HTTP, through gunicorn as in production (PostgreSQL only) ----------------------------


class Browser:
    """One browser behind the proxy: each request carries the X-Forwarded-For the proxy sends."""

    def __init__(self, base: str, forwarded: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.headers.update({"Connection": "close", "X-Forwarded-For": forwarded})
        self.csrf = csrf_token(self.session.get(base + LOGIN, timeout=10).text)

    def sign_in(self, email: str, password: str) -> requests.Response:
        return self.session.post(
            self.base + LOGIN,
            data={"login": email, "password": password, "csrfmiddlewaretoken": self.csrf},
            headers={"Referer": self.base + LOGIN},
            allow_redirects=False,
            timeout=10,
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "variable", ["DJANGO_TRUSTED_PROXY_COUNT", "DJANGO_AXES_IPWARE_PROXY_COUNT"]
)
def test_through_gunicorn_ten_failures_lock_the_attacker_and_the_admin_still_gets_in(
    start_gunicorn, variable
):
    UserFactory(email=EMAIL)
    base = start_gunicorn(**{variable: "1"})
    attacker = Browser(base, ATTACKER)
    for _ in range(10):
        attacker.sign_in(EMAIL, "wrong")
    locked = attacker.sign_in(EMAIL, "wrong")
    assert locked.status_code == 429
    assert "15 minutes" in locked.text
    forger = Browser(base, FORGED)
    assert forger.sign_in(EMAIL, "wrong").status_code == 429

    real_admin = Browser(base, ADMIN)
    signed_in = real_admin.sign_in(EMAIL, TEST_PASSWORD)
    assert signed_in.status_code == 302, signed_in.status_code
    assert real_admin.session.get(base + HOME, timeout=10).status_code == 200
    # The admin's success does not unlock the attacker's address, forged or not.
    assert forger.sign_in(EMAIL, TEST_PASSWORD).status_code == 429


# --- The setting ---------------------------------------------------------------------------------


def trusted_proxy_count(**env: str) -> str:
    result = run_python(
        "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT)",
        **PRODUCTION_ENV,
        **env,
    )
    return result.stdout.strip() or result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": "2"}, "2"),
        ({"DJANGO_AXES_IPWARE_PROXY_COUNT": "1"}, "1"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": "2", "DJANGO_AXES_IPWARE_PROXY_COUNT": "1"}, "2"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": " "}, "0"),
    ],
)
def test_the_trusted_proxy_count_comes_from_the_environment(env, expected):
    assert trusted_proxy_count(**env) == expected


@pytest.mark.parametrize("value", ["one", "-1", "1.5"])
def test_a_trusted_proxy_count_that_is_not_a_number_stops_the_start(value):
    output = trusted_proxy_count(DJANGO_TRUSTED_PROXY_COUNT=value)
    assert "DJANGO_TRUSTED_PROXY_COUNT must be a whole number" in output
