"""The daily digest job over the bench data, as production runs it: the beat task enqueued on a
real broker, one Celery worker (``celery -A partnerbenefits worker``, with its default pool of
one process per CPU; ``BENCH_DIGEST_CONCURRENCY`` sets another) composing each organization's
digests and delivering them to a local SMTP server. Timed from the enqueueing to the last
digest accepted; held to ``MAX_SECONDS``.

Each run starts from nothing sent: the sent-log and the digests of earlier runs are deleted
first, so every run sends the same digests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_SECONDS = 60
GIVE_UP_SECONDS = 600
# A redis database of the bench's own for the broker: no other run's tasks in it.
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"


class _Sink:
    """An SMTP server that counts what it accepts, and when the last one came."""

    def __init__(self) -> None:
        self.count = 0
        self.recipients: set[str] = set()
        self.last_at = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.count += 1
            self.recipients.update(envelope.rcpt_tos)
            self.last_at = time.monotonic()
        return "250 Message accepted for delivery"


@dataclass
class DigestFigures:
    organizations: int
    digests_expected: int
    digests_received: int
    duplicates: int
    seconds: float
    queries_small: int
    queries_large: int
    concurrency: int

    @property
    def passed(self) -> bool:
        return (
            self.digests_received == self.digests_expected
            and self.duplicates == 0
            and self.seconds <= MAX_SECONDS
        )


def measure(*, environment: dict[str, str], port: int, concurrency: int) -> DigestFigures:
    """Run the daily job once over the whole bench database (Django is set up), on one worker
    running ``concurrency`` tasks at a time."""
    from django.db import connection

    from accounts.models import OutgoingMail
    from benefits.notifications.models import NoticeSent

    today = date.today()
    NoticeSent.objects.all().delete()
    OutgoingMail.objects.filter(template="digest").delete()
    expected, organizations = _expected_digests(today)
    queries_small, queries_large = _queries_per_organization(today)

    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    broker = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)
    worker_environment = {
        **environment,
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "partnerbenefits.settings",
    }
    _empty_broker(broker)
    command = [
        str(BIN / "celery"), "-A", "partnerbenefits", "worker",
        f"--concurrency={concurrency}", "--loglevel=WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    worker = subprocess.Popen(command, cwd=BASE_DIR, env=worker_environment)  # noqa: S603
    connection.close()
    try:
        started = _enqueue(broker, today)
        deadline = started + GIVE_UP_SECONDS
        while sink.count < expected and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        seconds = (sink.last_at or time.monotonic()) - started
        time.sleep(2)  # anything sent twice would arrive now
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()
    return DigestFigures(
        organizations=organizations,
        digests_expected=expected,
        digests_received=sink.count,
        duplicates=sink.count - len(sink.recipients),
        seconds=round(seconds, 1),
        queries_small=queries_small,
        queries_large=queries_large,
        concurrency=concurrency,
    )


def _expected_digests(today: date) -> tuple[int, int]:
    """How many digests the day should send (recipients of organizations with a notice due),
    worked out from the rules directly, and how many organizations there are."""
    from accounts.models import Organization, User
    from benefits.notifications.due import notices_due

    recipients: dict[int, int] = {}
    for account in User.objects.filter(is_active=True, organization__isnull=False).only(
        "organization_id", "roles", "is_active"
    ):
        if account.has_benefits_access and account.organization_id is not None:
            recipients[account.organization_id] = recipients.get(account.organization_id, 0) + 1
    organization_ids = list(Organization.objects.values_list("pk", flat=True))
    expected = sum(
        recipients.get(pk, 0)
        for pk in organization_ids
        if notices_due(organization_id=pk, today=today)
    )
    return expected, len(organization_ids)


def _queries_per_organization(today: date) -> tuple[int, int]:
    """Queries composing one organization's digests (rolled back, nothing sent): a small
    organization and the large one."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organization
    from bench.shape import LARGE_MPN_ID
    from benefits.notifications.digests import send_organization_digests

    class _Undo(Exception):
        pass

    counts = []
    small = Organization.objects.exclude(mpn_id=LARGE_MPN_ID).order_by("pk")[0]
    large = Organization.objects.get(mpn_id=LARGE_MPN_ID)
    for organization in (small, large):
        try:
            with CaptureQueriesContext(connection) as queries, transaction.atomic():
                send_organization_digests(organization_id=organization.pk, today=today)
                raise _Undo
        except _Undo:
            pass
        counts.append(len(queries))
    return counts[0], counts[1]


def _empty_broker(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _enqueue(broker: str, today: date) -> float:
    """Enqueue the beat's task as the beat would, on the broker the worker reads."""
    from partnerbenefits.celery import app

    app.conf.update(task_always_eager=False, broker_url=broker)
    from benefits.notifications.tasks import send_daily_digests

    started = time.monotonic()
    send_daily_digests.delay(today.isoformat())
    return started


def report(figures: DigestFigures) -> str:
    verdict = "PASS" if figures.passed else "MISS"
    return "\n".join(
        [
            f"daily digests (one worker, {figures.concurrency} task(s) at a time)",
            f"  organizations {figures.organizations}, digests {figures.digests_received} "
            f"of {figures.digests_expected} expected, {figures.duplicates} twice",
            f"  {figures.seconds:.1f} s from the beat task to the last digest accepted "
            f"({figures.digests_received / max(figures.seconds, 0.1):.0f} digests/s)",
            f"  queries to compose one organization's digests: {figures.queries_small} (small), "
            f"{figures.queries_large} (large)",
            f"  {verdict}  daily digests: all delivered once within {MAX_SECONDS} s",
        ]
    )
