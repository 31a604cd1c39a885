"""A real Celery worker process, started as in production (``celery -A partnerbenefits
worker``), delivers the outbox through a real Redis broker to a real SMTP server, exactly once,
from the test database (PostgreSQL only)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from accounts.mail import send_mail
from accounts.models import OutgoingMail
from accounts.tasks import deliver_mail
from tests.celery_workers import real_broker, worker_start, workers_stop

# A Redis database of its own: a test run never picks up another's tasks.
BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL") or "redis://127.0.0.1:6379/9"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def broker(postgres) -> Iterator[str]:
    """The test process publishes to the real broker instead of running tasks itself."""
    with real_broker(BROKER_URL):
        yield BROKER_URL


@pytest.fixture
def worker(broker, smtp_server) -> Iterator[subprocess.Popen]:
    process = worker_start(broker_url=broker, smtp=smtp_server)
    yield process
    workers_stop([process])


def greet(to: str) -> None:
    with transaction.atomic():
        send_mail(
            template="greeting",
            context={"name": "O'Brien & Co", "link": "https://benefits.example.com/"},
            language="en",
            to=to,
        )


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_a_committed_mail_exactly_once(settings, smtp_server, worker):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]
    greet("first@example.com")
    [first] = smtp_server.wait_for(1, timeout=20)
    assert first["To"] == "first@example.com"
    outgoing = OutgoingMail.objects.get(to="first@example.com")

    # The same row delivered again (a broker redelivery), then a second mail: the worker takes
    # one task at a time in order, so once the second arrives the repeat has been handled.
    deliver_mail.delay(outgoing.pk)
    greet("second@example.com")
    messages = smtp_server.wait_for(2, timeout=20)

    assert [message["To"] for message in messages] == ["first@example.com", "second@example.com"]
    assert worker.poll() is None
    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None
    assert outgoing.attempts == 1
