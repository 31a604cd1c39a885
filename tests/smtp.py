"""A real SMTP server for the tests (aiosmtpd), so mails travel the same way as in production:
rendered, encoded by Django's SMTP backend, sent over a socket and parsed back.

The ``smtp_server`` fixture (tests/conftest.py) starts one on a free loopback port, points
Django's mail settings at it exactly as ``EMAIL_URL=smtp://127.0.0.1:<port>`` would, and stops
it after the test. It receives mails sent from the test itself and from a live server thread.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller

ACCEPTED = "250 Message accepted for delivery"
# What a server answers when it refuses a mail for good (a full mailbox, a blocked sender).
REFUSED = "550 Requested action not taken: mailbox unavailable"


def free_port() -> int:
    """A loopback port nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """The mails an SMTP server on 127.0.0.1 received, parsed with ``email.policy.default``.

    ``reply`` is the server's answer to each mail's data: set it to ``REFUSED`` to make the
    server refuse (Django's backend then raises ``SMTPDataError`` in the sender)."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        # The envelope's recipients of each received mail (Bcc recipients show only here).
        self.recipients: list[list[str]] = []
        self.reply = ACCEPTED
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname=self.host, port=self.port)

    # aiosmtpd calls this in its own thread for every mail's DATA.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.reply.startswith("250"):
            return self.reply
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        with self._arrived:
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return self.reply

    def start(self) -> None:
        # aiosmtpd logs every command at INFO: only its warnings belong in a test's output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait until ``count`` mails have arrived (for mails sent from another thread or
        process) and return them all; fail saying how many came."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} mail(s) within {timeout} s, received "
                        f"{len(self.messages)}"
                    )
                self._arrived.wait(left)
            return list(self.messages)

    def mail_settings(self) -> dict[str, Any]:
        """Django's mail settings as ``EMAIL_URL=smtp://127.0.0.1:<port>`` sets them."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            # A test must not hang on a server that stopped answering.
            "EMAIL_TIMEOUT": 5,
        }
