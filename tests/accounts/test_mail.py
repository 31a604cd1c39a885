"""Mails reach a real SMTP server in the recipient's language, with a plain text and an HTML
part in the portal's layout, only after the change commits, and never break the request when
the mail server refuses or is absent."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.mail import absolute_url, send_mail
from tests.smtp import REFUSED, free_port

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FOOTER_EN = "You receive this mail because you have an account on the Partner Benefits portal."
FOOTER_FR = "Vous recevez ce message parce que vous avez un compte sur le portail Partner Benefits."


@pytest.fixture(autouse=True)
def _greeting_template(settings):
    """A mail of the tests' own (tests/templates/mail/greeting*), in the portal's layout."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]
    settings.PORTAL_BASE_URL = "https://benefits.example.com"
    settings.DEFAULT_FROM_EMAIL = "Partner Benefits <benefits@example.com>"


def greet(language: str | None = "", to: str = "ana@example.com") -> None:
    send_mail(
        template="greeting",
        context={"name": "O'Brien & Co", "link": absolute_url("/accounts/login/")},
        language=language,
        to=to,
    )


def test_a_mail_arrives_with_a_text_and_an_html_part_in_the_layout(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        greet()

    [message] = smtp_server.messages
    assert message["To"] == "ana@example.com"
    assert message["From"] == "Partner Benefits <benefits@example.com>"
    assert message["Subject"] == "Sign in O'Brien & Co"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    # The plain part is not HTML: the name stays as typed; the HTML part escapes it.
    assert "Home: O'Brien & Co" in text
    assert "O&#x27;Brien &amp; Co" in html
    assert "https://benefits.example.com/accounts/login/" in text
    assert 'href="https://benefits.example.com/accounts/login/"' in html
    # The layout: signature and footer with the portal's absolute address.
    assert f"-- \nPartner Benefits\n{FOOTER_EN}\nhttps://benefits.example.com/" in text
    assert FOOTER_EN in html
    assert 'href="https://benefits.example.com/"' in html
    assert '<html lang="en">' in html


def test_a_french_account_gets_subject_text_and_html_in_french(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        greet(language="fr")

    [message] = smtp_server.messages
    assert message["Subject"] == "Se connecter O'Brien & Co"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Accueil: O'Brien & Co" in text
    assert FOOTER_FR in text
    assert "Accueil" in html
    assert FOOTER_FR in html
    assert '<html lang="fr">' in html


@pytest.mark.parametrize("language", ["", None, "de"])
def test_an_account_without_a_known_language_gets_the_portal_default(
    smtp_server, django_capture_on_commit_callbacks, language
):
    with django_capture_on_commit_callbacks(execute=True):
        greet(language=language)

    assert smtp_server.messages[0]["Subject"] == "Sign in O'Brien & Co"


def test_the_language_of_the_request_does_not_choose_the_mail_language(
    smtp_server, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        greet(language="en")

    assert smtp_server.messages[0]["Subject"] == "Sign in O'Brien & Co"


def test_nothing_is_sent_when_the_change_rolls_back(
    smtp_server, django_capture_on_commit_callbacks
):
    class Abandoned(Exception):
        pass

    def abandoned_change() -> None:
        with transaction.atomic():
            greet(to="rolled-back@example.com")
            raise Abandoned

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Abandoned):
            abandoned_change()
        with transaction.atomic():
            greet(to="committed@example.com")

    assert [message["To"] for message in smtp_server.messages] == ["committed@example.com"]


def test_a_refusing_mail_server_is_logged_and_does_not_raise(
    smtp_server, django_capture_on_commit_callbacks, caplog
):
    smtp_server.reply = REFUSED

    with (
        caplog.at_level(logging.ERROR, logger="accounts.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        greet()

    assert smtp_server.messages == []
    [record] = caplog.records
    assert record.getMessage().startswith("Mail 'greeting' to an account could not be sent (SMTP")
    # Neither the address nor the server's answer (which may name it) is written to the log.
    assert record.exc_info is None
    assert "ana@example.com" not in caplog.text


def test_no_mail_server_listening_is_logged_and_does_not_raise(
    settings, smtp_server, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_PORT = free_port()

    with (
        caplog.at_level(logging.ERROR, logger="accounts.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        greet()

    assert "could not be sent" in caplog.text
    assert "ConnectionRefusedError" in caplog.text


def test_absolute_url_puts_a_path_at_the_portal_base_url(settings):
    assert absolute_url(reverse("home")) == "https://benefits.example.com/"
    settings.PORTAL_BASE_URL = "https://portal.example.org:8443"
    assert absolute_url("/team/") == "https://portal.example.org:8443/team/"


def test_absolute_url_without_a_base_url_uses_the_first_concrete_allowed_host(settings):
    settings.PORTAL_BASE_URL = ""
    settings.ALLOWED_HOSTS = [".example.net", "benefits.example.net", "testserver"]
    assert absolute_url("/team/") == "https://benefits.example.net/team/"


def test_absolute_url_refuses_a_relative_path():
    with pytest.raises(ValueError, match="starting with '/'"):
        absolute_url("team/")
