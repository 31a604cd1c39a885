"""Sign-in by e-mail, sign-out by POST, lockout after 10 failures, and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")


def sign_in(client, email, password, address="203.0.113.10"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def test_sign_in_by_email_in_any_case(client, admin_user):
    response = sign_in(client, admin_user.email.upper() + "  ", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.session[SESSION_KEY] == str(admin_user.pk)


def test_sign_in_page_renders(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'autocomplete="username"' in response.content.decode()


def test_wrong_password_says_what_to_do(client, admin_user):
    response = sign_in(client, admin_user.email, "wrong")
    assert response.status_code == 200
    assert "don&#x27;t match an account" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_unknown_account_gets_the_same_message(client, db):
    response = sign_in(client, "nobody@nowhere.example", "whatever")
    assert response.status_code == 200
    assert "don&#x27;t match an account" in response.content.decode()


def test_deactivated_account_cannot_sign_in(client, organization):
    user = UserFactory(organization=organization, is_active=False)
    assert "deactivated" not in sign_in(client, user.email, "wrong").content.decode()
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("not-an-email", "x"),
        ("", ""),
        ("a" * 5000 + "@example.com", "x"),
        ("admin@contoso.example\x00", "x"),
        ("admin@contoso.example", "\x00"),
        ("<script>alert(1)</script>", "x"),
        ("admin@contoso.example", "p" * 100_000),
        ("adm\u202ein@contoso.example", "x"),
    ],
)
def test_bad_input_gets_a_form_error_never_a_500(client, db, email, password):
    response = sign_in(client, email, password)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "alert" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_bytes_that_are_not_utf8_get_a_form_error(client, db):
    response = client.post(
        LOGIN,
        b"login=%FF%FE%00admin&password=%C3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_ten_failures_lock_the_account_from_that_address_for_15_minutes(client, admin_user):
    for _ in range(9):
        assert sign_in(client, admin_user.email, "wrong").status_code == 200
    locked = sign_in(client, admin_user.email, "wrong")
    assert locked.status_code == 429
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused while locked.
    assert sign_in(client, admin_user.email, TEST_PASSWORD).status_code == 429
    # Fifteen minutes later the account opens again.
    AccessAttempt.objects.all().update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, admin_user.email, TEST_PASSWORD).status_code == 302


def test_a_lockout_does_not_reach_other_addresses(client, admin_user):
    for _ in range(10):
        sign_in(client, admin_user.email, "wrong", address="198.51.100.66")
    assert sign_in(client, admin_user.email, "wrong", address="198.51.100.66").status_code == 429
    assert (
        sign_in(client, admin_user.email, TEST_PASSWORD, address="203.0.113.7").status_code == 302
    )


def test_lockout_counts_an_account_whatever_the_case_of_its_address(client, admin_user):
    for attempt in range(10):
        email = admin_user.email.upper() if attempt % 2 else admin_user.email
        sign_in(client, email, "wrong")
    assert sign_in(client, admin_user.email, TEST_PASSWORD).status_code == 429


def test_sign_out_is_a_post(client, admin_user):
    client.force_login(admin_user)
    # A link (or a prefetch) only asks; signing out takes the form's POST.
    page = client.get(reverse("logout"))
    assert page.status_code == 200
    assert SESSION_KEY in client.session
    assert f'action="{reverse("logout")}"' in page.content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session


def test_signing_in_gives_a_new_session_key(client, admin_user):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    sign_in(client, admin_user.email, TEST_PASSWORD)
    assert client.session.session_key != before


def test_a_deactivated_account_loses_its_session(client, admin_user):
    client.force_login(admin_user)
    assert client.get(HOME).status_code == 200
    admin_user.is_active = False
    admin_user.save()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    ("language", "next_url", "expected"),
    [
        ("xx", reverse("benefits:overview"), reverse("benefits:overview")),
        ("fr", "https://evil.example/phish", HOME),
        ("fr", "//evil.example/", HOME),
        ("<script>", "\x00", HOME),
    ],
)
def test_the_language_switch_ignores_bad_input(client, db, language, next_url, expected):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected
