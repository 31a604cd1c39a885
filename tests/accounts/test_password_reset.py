"""Password reset from the sign-in page: a link by mail, single-use and valid 1 hour, the same
answer for unknown addresses, 5 requests an hour, other sessions ended, and the lockout."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from email.message import EmailMessage

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.http import int_to_base36

from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
RESET = reverse("account_reset_password")
DONE = reverse("account_reset_password_done")
HOME = reverse("home")
NEW_PASSWORD = "violet-harbour-lantern-42"
LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+/")


def ask_reset(client: Client, email: str, address: str = "203.0.113.10", **extra):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address, **extra)


def reset_mails(smtp_server, capture, client: Client, email: str, **kwargs) -> list:
    with capture(execute=True):
        response = ask_reset(client, email, **kwargs)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == DONE
    return smtp_server.messages


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]


def link_path(message: EmailMessage) -> str:
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    return "/" + match.group(0).split("/", 3)[3]


def key_of(path: str) -> str:
    """The secret part of a reset link: /accounts/password/reset/key/<uidb36>-<key>/."""
    return path.rstrip("/").rsplit("/", 1)[-1].split("-", 1)[1]


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every record's message and attributes, as any handler or formatter could print them."""
    return "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)


def set_password(client: Client, path: str, password: str = NEW_PASSWORD):
    """Open the mailed link (which moves the key into the session), then post the form."""
    opened = client.get(path)
    assert opened.status_code == 302
    form_path = opened["Location"]
    return client.post(form_path, {"password1": password, "password2": password})


def test_sign_in_page_offers_the_reset(client):
    assert f'href="{RESET}"' in client.get(LOGIN).content.decode()


def test_the_whole_reset_journey(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks
):
    elsewhere = Client()
    elsewhere.force_login(admin_user)
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    assert message["To"] == admin_user.email
    assert "Reset your Partner Benefits password" in message["Subject"]
    assert "60 minutes" in text_of(message)
    assert link_path(message) in html_of(message)
    assert TEST_PASSWORD not in text_of(message) + html_of(message)

    response = set_password(client, link_path(message))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)
    # The session signed in elsewhere ended with the old password.
    assert elsewhere.get(HOME).status_code == 302
    assert SESSION_KEY not in elsewhere.session
    # The new password signs in.
    signed_in = Client().post(LOGIN, {"login": admin_user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_a_used_link_is_refused_with_a_clear_message(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks
):
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    set_password(client, link_path(message))
    again = Client().get(link_path(message))
    assert again.status_code == 200
    assert "has already been used, is more than 1 hour old" in again.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)


def test_a_link_older_than_an_hour_is_refused(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    later = datetime.now() + timedelta(hours=1, seconds=2)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    response = Client().get(link_path(message))
    assert "is more than 1 hour old" in response.content.decode()


def test_a_tampered_link_is_refused(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks
):
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    path = link_path(message)
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    response = Client().get(tampered)
    assert response.status_code == 200
    assert "was changed on the way" in response.content.decode()


def test_a_weak_new_password_gets_django_s_validators(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks
):
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    response = set_password(client, link_path(message), password="12345678")
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(TEST_PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    assert reset_mails(smtp_server, django_capture_on_commit_callbacks, client, "no@x.test") == []


def test_the_mail_speaks_the_account_s_language(
    client, organization, smtp_server, django_capture_on_commit_callbacks
):
    user = UserFactory.create(organization=organization, language="fr")
    [message] = reset_mails(smtp_server, django_capture_on_commit_callbacks, client, user.email)
    assert "Réinitialis" in message["Subject"]


def test_an_account_without_a_language_gets_the_mail_in_the_asking_browser_s_language(
    client, organization, smtp_server, django_capture_on_commit_callbacks
):
    user = UserFactory.create(organization=organization, language="")
    [message] = reset_mails(
        smtp_server,
        django_capture_on_commit_callbacks,
        client,
        user.email,
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
    )
    assert "Réinitialis" in message["Subject"]


def test_an_account_s_chosen_language_outvotes_the_asking_browser_s(
    client, organization, smtp_server, django_capture_on_commit_callbacks
):
    user = UserFactory.create(organization=organization, language="en")
    [message] = reset_mails(
        smtp_server,
        django_capture_on_commit_callbacks,
        client,
        user.email,
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
    )
    assert "Réinitialis" not in message["Subject"]
    assert message["Subject"] == "Reset your Partner Benefits password"


def test_a_sixth_request_in_an_hour_for_one_address_is_refused(client, admin_user):
    for attempt in range(5):
        address = f"203.0.113.{attempt + 1}"
        assert ask_reset(client, admin_user.email, address=address).status_code == 302
    refused = ask_reset(client, admin_user.email, address="203.0.113.99")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_sixth_request_in_an_hour_from_one_client_behind_the_proxy_is_refused(client, db):
    def ask(email: str, forwarded: str):
        return ask_reset(client, email, address="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    for attempt in range(5):
        assert ask(f"person{attempt}@x.test", "198.51.100.7").status_code == 302
    assert ask("person5@x.test", "198.51.100.7").status_code == 429
    # Another client behind the same proxy is not held back.
    assert ask("person5@x.test", "198.51.100.8").status_code == 302


def test_refused_links_count_towards_the_sign_in_lockout(client, admin_user):
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": int_to_base36(admin_user.pk), "key": "forged-key"},
    )
    for _ in range(9):
        assert client.get(path, REMOTE_ADDR="203.0.113.10").status_code == 200
    assert client.get(path, REMOTE_ADDR="203.0.113.10").status_code == 429
    # Locked from that address: sign-in with the right password and reset requests are refused.
    right = client.post(
        LOGIN, {"login": admin_user.email, "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.10"
    )
    assert right.status_code == 429
    assert ask_reset(client, admin_user.email).status_code == 429
    # Another address is not locked.
    assert ask_reset(client, admin_user.email, address="198.51.100.7").status_code == 302


def test_a_locked_account_cannot_use_a_valid_link_from_that_address(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks
):
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    for _ in range(10):
        client.post(LOGIN, {"login": admin_user.email, "password": "wrong"}, REMOTE_ADDR="1.2.3.4")
    # The key moves into the session first, so the refusal is answered at an address without it.
    locked = client.get(link_path(message), REMOTE_ADDR="1.2.3.4", follow=True)
    assert locked.status_code == 429
    assert key_of(link_path(message)) not in locked.redirect_chain[-1][0]
    assert Client().get(link_path(message), REMOTE_ADDR="203.0.113.10").status_code == 302


def test_a_working_link_opened_twice_counts_no_failure_and_logs_no_key(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks, caplog
):
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="axes")
    # A mail scanner opens the link, then its owner does.
    for opener in (Client(), client):
        opened = opener.get(link_path(message), REMOTE_ADDR="203.0.113.10", follow=True)
        assert opened.status_code == 200
        assert key_of(link_path(message)) not in opened.redirect_chain[-1][0]
    assert not AccessAttempt.objects.exists()
    assert key_of(link_path(message)) not in logged_text(caplog)
    # The owner still sets a new password with it.
    assert set_password(client, link_path(message)).status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)


def test_a_refused_link_is_counted_at_an_address_without_its_key(
    client, admin_user, smtp_server, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    [message] = reset_mails(
        smtp_server, django_capture_on_commit_callbacks, client, admin_user.email
    )
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="axes")
    later = datetime.now() + timedelta(hours=1, seconds=2)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    assert client.get(link_path(message), REMOTE_ADDR="203.0.113.10").status_code == 200
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == admin_user.email
    assert attempt.failures_since_start == 1
    assert key_of(link_path(message)) not in attempt.path_info
    # axes' own lines name the key-free address (the dead link's request path is still its own).
    assert all(key_of(link_path(message)) not in r.getMessage() for r in caplog.records)
