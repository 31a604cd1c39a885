"""Mails reach a real SMTP server in the recipient's language, with a plain text and an HTML
part in the portal's layout, only after the change commits, and never break the request when
the mail server refuses or is absent. They leave from the outbox, written with the change,
through the deliver_mail task (here without a broker: in the process, after the commit)."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.urls import reverse

from accounts.mail import MailNotDelivered, absolute_url, send_mail
from accounts.models import OutgoingMail
from accounts.tasks import MAX_RETRIES, RETRY_DELAY_MAX, deliver_mail
from tests.smtp import ACCEPTED, REFUSED, free_port

pytestmark = pytest.mark.django_db

FOOTER_EN = "You receive this e-mail because you have an account on the Partner Benefits portal."
FOOTER_FR = "Vous recevez cet e-mail parce que vous avez un compte sur le portail Partner Benefits."


@pytest.fixture(autouse=True)
def _greeting_template(settings, tests_own_templates):
    """A mail of the tests' own (tests/templates/mail/greeting*), in the portal's layout."""
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


def test_the_mail_is_written_to_the_outbox_with_the_change_and_enqueued_only_after_commit(
    django_capture_on_commit_callbacks,
):
    class Abandoned(Exception):
        pass

    def abandoned_change() -> None:
        with transaction.atomic():
            greet(to="rolled-back@example.com")
            assert OutgoingMail.objects.filter(to="rolled-back@example.com").exists()
            raise Abandoned

    enqueued: list[int] = []
    with (
        mock.patch.object(deliver_mail, "delay", side_effect=enqueued.append),
        django_capture_on_commit_callbacks(execute=True),
    ):
        with pytest.raises(Abandoned):
            abandoned_change()
        assert not OutgoingMail.objects.exists()
        with transaction.atomic():
            greet(to="committed@example.com")
        [outgoing] = OutgoingMail.objects.all()
        assert enqueued == []

    assert enqueued == [outgoing.pk]
    assert outgoing.template == "greeting"
    assert outgoing.subject == "Sign in O'Brien & Co"
    assert "Home: O'Brien & Co" in outgoing.text
    assert "O&#x27;Brien &amp; Co" in outgoing.html
    assert outgoing.sent_at is None


def test_delivering_a_mail_again_sends_nothing_twice_and_keeps_no_body(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        greet()
    [outgoing] = OutgoingMail.objects.all()

    # As a broker would after a worker died between the SMTP accept and the acknowledgement.
    deliver_mail.delay(outgoing.pk)
    deliver_mail.apply(args=(outgoing.pk,))

    assert len(smtp_server.messages) == 1
    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None
    assert outgoing.attempts == 1
    # The body may hold an invitation or reset link: gone once the server accepted it.
    assert (outgoing.text, outgoing.html) == ("", "")


def test_a_refused_mail_stays_in_the_outbox_with_its_attempts_and_error_kind(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.reply = REFUSED
    with django_capture_on_commit_callbacks(execute=True):
        greet()
    [outgoing] = OutgoingMail.objects.all()
    deliver_mail.delay(outgoing.pk)

    outgoing.refresh_from_db()
    assert (outgoing.sent_at, outgoing.attempts) == (None, 2)
    assert outgoing.last_error == "SMTPDataError"
    assert "Home: O'Brien & Co" in outgoing.text

    smtp_server.reply = ACCEPTED
    deliver_mail.delay(outgoing.pk)

    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None
    assert (outgoing.attempts, outgoing.last_error) == (3, "")
    assert len(smtp_server.messages) == 1


def test_on_a_worker_a_refused_mail_is_retried_with_growing_delays_naming_no_address(
    smtp_server, django_capture_on_commit_callbacks
):
    assert deliver_mail.max_retries >= 5
    with mock.patch.object(deliver_mail, "delay"), django_capture_on_commit_callbacks(execute=True):
        greet()
    [outgoing] = OutgoingMail.objects.all()
    smtp_server.reply = REFUSED

    countdowns = []
    for retries in range(MAX_RETRIES):
        deliver_mail.push_request(is_eager=False, retries=retries)
        try:
            with (
                mock.patch.object(deliver_mail, "retry", side_effect=Retry) as retry,
                pytest.raises(Retry),
            ):
                deliver_mail.run(outgoing.pk)
        finally:
            deliver_mail.pop_request()
        [error] = [retry.call_args.kwargs["exc"]]
        assert isinstance(error, MailNotDelivered)
        assert error.args == ("SMTPDataError",)
        countdowns.append(retry.call_args.kwargs["countdown"])

    # 60, 120, 240 … seconds (MAIL_RETRY_BACKOFF_SECONDS), at most RETRY_DELAY_MAX, each drawn
    # up to a tenth longer (tests/accounts/test_mail_retries.py: at least 5 tries over an hour).
    bases = [min(60 * 2**n, RETRY_DELAY_MAX) for n in range(MAX_RETRIES)]
    assert all(base <= delay <= base * 1.1 for base, delay in zip(bases, countdowns, strict=True))
    outgoing.refresh_from_db()
    assert (outgoing.sent_at, outgoing.attempts, outgoing.given_up_at) == (None, MAX_RETRIES, None)


def test_a_task_broker_that_is_down_leaves_the_mail_in_the_outbox_and_does_not_raise(
    django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(deliver_mail, "delay", side_effect=ConnectionRefusedError),
        caplog.at_level(logging.ERROR, logger="accounts.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        greet()

    [outgoing] = OutgoingMail.objects.all()
    assert outgoing.sent_at is None
    assert "could not be handed to the task broker (ConnectionRefusedError)" in caplog.text
    assert "ana@example.com" not in caplog.text


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
