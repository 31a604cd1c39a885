"""The daily digests on real Celery workers (``celery -A partnerbenefits worker``), through a real
Redis broker to a real SMTP server, from the test database (PostgreSQL only): each digest
arrives exactly once — run twice, with a worker killed mid-run, with a mail server that refuses
for a while (SPEC 10: "a worker that dies mid-job loses nothing and, run again, duplicates
nothing"; "retried with growing delays"). The content of the digests is tested in process,
without a broker (test_digests.py)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis

from accounts.models import OutgoingMail, Role
from accounts.tasks import retry_unsent_mail
from benefits.notifications.models import NoticeSent
from benefits.notifications.tasks import send_daily_digests
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.benefits.factories import BenefitFactory, ProductKeyFactory
from tests.celery_workers import real_broker, worker_start, workers_stop
from tests.smtp import ACCEPTED, REFUSED, SmtpServer

# A Redis database of their own, apart from the mail worker's tests (9); one test at a time
# uses it, whatever the number of test processes (a lock file).
BROKER_URL = os.environ.get("CELERY_TEST_DIGEST_BROKER_URL") or "redis://127.0.0.1:6379/10"
LOCK = Path("/tmp") / f"partnerbenefits-digest-worker-{BROKER_URL.rsplit('/', 1)[-1]}.lock"  # noqa: S108
DAY = date(2026, 11, 30)

pytestmark = pytest.mark.django_db(transaction=True)


class SlowSmtpServer(SmtpServer):
    """An SMTP server that takes ``delay`` seconds to accept each recipient: a worker killed
    while it waits has sent nothing yet (the mail's data never left), so the test measures
    the portal's part, not SMTP's own blind spot between the data and the server's answer."""

    delay = 0.0

    def __init__(self) -> None:
        super().__init__()
        self.recipients_asked = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        with self._arrived:
            self.recipients_asked += 1
            self._arrived.notify_all()
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def wait_for_recipient(self, count: int, timeout: float) -> None:
        """Wait until the ``count``-th recipient is being accepted (slowly)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: self.recipients_asked >= count, timeout):
                raise AssertionError(f"expected {count} recipients within {timeout} s")


@pytest.fixture
def smtp() -> Iterator[SlowSmtpServer]:
    server = SlowSmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(postgres) -> Iterator[redis.Redis]:
    """The test process publishes to the real broker instead of running tasks itself; one
    test process at a time uses it (the lock)."""
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with real_broker(BROKER_URL) as client:
            yield client


@pytest.fixture
def workers(broker, smtp) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start a worker process as in production (call it again after killing one)."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        # Retries after 1, 2, 4 … seconds instead of minutes.
        started.append(
            worker_start(broker_url=BROKER_URL, smtp=smtp, MAIL_RETRY_BACKOFF_SECONDS="1")
        )
        return started[-1]

    yield start
    workers_stop(started)


def organizations_with_notices(count: int, accounts: int = 1) -> list[str]:
    """``count`` organizations, each with a benefit whose key is due (expiring at 30 days and
    unredeemed at 60) and ``accounts`` benefits accounts; returns their addresses."""
    addresses = []
    for index in range(count):
        organization = OrganizationFactory.create()
        benefit = BenefitFactory.create(
            organization=organization, expiration_date=DAY + timedelta(days=20)
        )
        ProductKeyFactory.create(benefit=benefit)
        for number in range(accounts):
            account = UserFactory.create(
                organization=organization,
                email=f"admin{number}@org{index}.example",
                roles=[Role.GLOBAL_ADMIN],
            )
            addresses.append(account.email)
    return addresses


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.1)


def wait_idle(broker: redis.Redis, *, lost: int = 0, timeout: float = 30) -> None:
    """Wait until the workers have nothing left: no task waiting in the queue, none taken and
    not done (but the ``lost`` ones a killed worker held) — for a whole second."""

    def idle() -> bool:
        return broker.llen("celery") == 0 and broker.hlen("unacked") <= lost

    deadline = time.monotonic() + timeout
    while True:
        wait_until(idle, max(deadline - time.monotonic(), 0.1), "the workers to finish")
        time.sleep(1)
        if idle():
            return


def arrived(smtp: SmtpServer) -> Counter[str]:
    return Counter(str(message["To"]) for message in smtp.messages)


def test_each_digest_arrives_once_and_a_second_run_sends_nothing(smtp, workers, broker):
    expected = organizations_with_notices(3, accounts=2)
    worker = workers()

    send_daily_digests.delay(DAY.isoformat())
    smtp.wait_for(len(expected), timeout=60)
    wait_idle(broker)
    send_daily_digests.delay(DAY.isoformat())
    wait_idle(broker)

    assert arrived(smtp) == Counter(expected)
    assert worker.poll() is None
    assert NoticeSent.objects.count() == 2 * len(expected)
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()


def test_a_worker_killed_mid_run_loses_nothing_and_the_rerun_duplicates_nothing(
    smtp, workers, broker
):
    expected = organizations_with_notices(12)
    smtp.delay = 0.4  # each mail takes a while: the kill lands among the deliveries
    first = workers()

    send_daily_digests.delay(DAY.isoformat())
    # Killed while the server takes the 4th mail's recipient: 3 mails are delivered, and one
    # task is in the dead worker's hands. (Killed between the server's receipt of a mail's data
    # and its answer, the one mail in flight would come twice: SMTP can't tell the sender.)
    smtp.wait_for_recipient(4, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert len(smtp.messages) == 3

    # A new worker; the daily job again, and the outbox's safety net for the delivery the dead
    # worker held (the broker gives it back only after its visibility timeout, an hour).
    workers()
    send_daily_digests.delay(DAY.isoformat())
    retry_unsent_mail.delay(0)
    smtp.wait_for(len(expected), timeout=90)
    wait_idle(broker, lost=1, timeout=60)

    assert arrived(smtp) == Counter(expected)
    assert NoticeSent.objects.count() == 2 * len(expected)
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()


def test_a_refusing_mail_server_gets_the_digest_again_until_it_accepts_it_once(
    smtp, workers, broker
):
    [expected] = organizations_with_notices(1)
    smtp.reply = REFUSED
    workers()

    send_daily_digests.delay(DAY.isoformat())
    wait_until(
        lambda: OutgoingMail.objects.filter(attempts__gte=2).exists(),
        timeout=60,
        what="two refused tries",
    )
    assert smtp.messages == []
    smtp.reply = ACCEPTED
    smtp.wait_for(1, timeout=60)
    wait_idle(broker)

    assert arrived(smtp) == Counter([expected])
    outgoing = OutgoingMail.objects.get()
    assert outgoing.sent_at is not None
    assert outgoing.attempts >= 3
    assert outgoing.given_up_at is None
