"""Sessions end when the account changes: a password change (here or in the admin) signs out
every other session of the account; the session that made the change stays signed in."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD_CHANGE = reverse("password_change")
NEW_PASSWORD = "a-longer-and-fresher-passphrase"


def signed_in_client(user) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"login": user.email, "password": TEST_PASSWORD}).status_code
        == 302
    )
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_changing_the_password_ends_the_other_sessions_only(admin_user):
    here, elsewhere = signed_in_client(admin_user), signed_in_client(admin_user)
    response = here.post(
        PASSWORD_CHANGE,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "every other session has ended" in response.content.decode()
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert SESSION_KEY not in elsewhere.session
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)


def test_a_password_set_in_the_admin_ends_every_session(admin_user):
    session = signed_in_client(admin_user)
    staff = Client()
    staff.force_login(User.objects.create_superuser("staff@partner.example", "unused-password"))
    response = staff.post(
        reverse("admin:auth_user_password_change", args=[admin_user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[admin_user.pk])
    assert not is_signed_in(session)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            "Your old password was entered incorrectly",
        ),
        (
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": "other",
            },
            "didn’t match",
        ),
        (
            {
                "old_password": TEST_PASSWORD,
                "new_password1": "12345678",
                "new_password2": "12345678",
            },
            "too common",
        ),
        (
            {
                "old_password": TEST_PASSWORD,
                "new_password1": "p" * 5000,
                "new_password2": "p" * 5000,
            },
            "at most 1024 characters",
        ),
        ({}, "This field is required"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(admin_user, fields, message):
    client = signed_in_client(admin_user)
    elsewhere = signed_in_client(admin_user)
    response = client.post(PASSWORD_CHANGE, fields)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    admin_user.refresh_from_db()
    assert admin_user.check_password(TEST_PASSWORD)
    assert is_signed_in(elsewhere)


def test_the_password_page_needs_a_signed_in_account(client, db):
    response = client.get(PASSWORD_CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ten_wrong_current_passwords_lock_the_form_for_15_minutes(admin_user):
    from django.core.cache import cache

    cache.clear()
    client = signed_in_client(admin_user)
    wrong = {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(10):
        assert client.post(PASSWORD_CHANGE, wrong).status_code == 200
    right = {**wrong, "old_password": TEST_PASSWORD}
    locked = client.post(PASSWORD_CHANGE, right)
    assert locked.status_code == 429
    assert "try again in 15 minutes" in locked.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(TEST_PASSWORD)
    cache.clear()  # fifteen minutes later
    assert client.post(PASSWORD_CHANGE, right).status_code == 302
