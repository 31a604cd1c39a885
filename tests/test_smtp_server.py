"""The ``smtp_server`` fixture is a real SMTP server that Django's mail settings point at."""

from __future__ import annotations

import smtplib
import threading

import pytest
from django.core import mail

from tests.smtp import REFUSED


def test_a_mail_sent_from_the_test_arrives_parsed_with_both_parts(smtp_server):
    message = mail.EmailMultiAlternatives(
        "Bonjour été", "Le texte", "portal@example.com", ["ana@example.com"]
    )
    message.attach_alternative("<p>Le <b>HTML</b></p>", "text/html")
    message.send()

    [received] = smtp_server.messages
    assert received["Subject"] == "Bonjour été"
    assert received["To"] == "ana@example.com"
    assert received.get_body(("plain",)).get_content().strip() == "Le texte"
    assert "<b>HTML</b>" in received.get_body(("html",)).get_content()
    assert smtp_server.recipients == [["ana@example.com"]]


def test_a_mail_sent_from_another_thread_is_waited_for(smtp_server):
    def later() -> None:
        mail.send_mail("Later", "Body", "portal@example.com", ["bo@example.com"])

    threading.Timer(0.2, later).start()

    [received] = smtp_server.wait_for(1)
    assert received["Subject"] == "Later"


def test_waiting_for_a_mail_that_never_comes_fails_saying_how_many_came(smtp_server):
    with pytest.raises(AssertionError, match="expected 1 mail"):
        smtp_server.wait_for(1, timeout=0.2)


def test_a_refusing_server_raises_in_the_sender_and_keeps_nothing(smtp_server):
    smtp_server.reply = REFUSED

    with pytest.raises(smtplib.SMTPDataError):
        mail.send_mail("Refused", "Body", "portal@example.com", ["cy@example.com"])
    assert smtp_server.messages == []
