"""How fast webhooks go out: 1,000 activity records of one organization fanned out to one
endpoint, delivered by one Celery worker (``celery -A partnerbenefits worker``, its default
pool: one process per CPU) over a real Redis broker to a receiver on a loopback port that checks
every signature. Timed from the first record's commit to the last event received; held to
``MAX_SECONDS``.

    python -m bench.webhooks      (BENCH_DATABASE_URL and BENCH_BROKER_URL as for `make bench`)

Each record is written by the same function as the portal's (benefits.services.activity.
activity_record), in a transaction of its own, as 1,000 changes by people would be. The records
go to a small organization of the bench data (the large one's activity pages are measured by
`make bench`); the endpoint and its deliveries are deleted at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.run import bench_database_ready

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EVENTS = 1_000
MAX_SECONDS = 60.0
GIVE_UP_SECONDS = 300
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"


class _Receiver:
    """Checks each signature, counts the distinct events and when the last one came."""

    def __init__(self, secret: str) -> None:
        from standardwebhooks import Webhook

        self.webhook = Webhook(secret)
        self.ids: set[str] = set()
        self.requests = 0
        self.bad_signatures = 0
        self.last_at = 0.0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {key.lower(): value for key, value in self.headers.items()}
                try:
                    payload = receiver.webhook.verify(body, headers)
                except Exception:
                    payload = None
                with receiver._lock:
                    receiver.requests += 1
                    if payload is None:
                        receiver.bad_signatures += 1
                    else:
                        receiver.ids.add(payload["id"])
                        receiver.last_at = time.monotonic()
                self.send_response(204 if payload else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def count(self) -> int:
        with self._lock:
            return len(self.ids)


@dataclass
class WebhookFigures:
    events: int
    received: int
    requests: int
    bad_signatures: int
    write_seconds: float
    seconds: float
    processes: str

    @property
    def passed(self) -> bool:
        return (
            self.received == self.events
            and self.requests == self.events
            and not self.bad_signatures
            and self.seconds <= MAX_SECONDS
        )


def measure(*, environment: dict[str, str]) -> WebhookFigures:
    from django.db import connection, transaction

    from accounts.models import Organization, User
    from bench.shape import LARGE_MPN_ID
    from benefits.models import Activity
    from benefits.services.activity import activity_record
    from benefits.webhooks.models import WebhookEndpoint
    from benefits.webhooks.services import secret_new

    organization = Organization.objects.exclude(mpn_id=LARGE_MPN_ID).order_by("pk").first()
    actor = User.objects.filter(organization=organization).order_by("pk").first()
    if organization is None or actor is None:
        raise SystemExit("The bench data has no small organization with an account.")
    WebhookEndpoint.objects.filter(organization=organization).delete()
    secret = secret_new()
    receiver = _Receiver(secret)
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=receiver.url,
        kinds=[Activity.Kind.ROLES_CHANGED],
        secret=secret,
    )
    broker = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)
    _empty_broker(broker)
    worker_environment = {
        **environment,
        "CELERY_BROKER_URL": broker,
        "DJANGO_SETTINGS_MODULE": "partnerbenefits.settings",
        # The receiver is on this machine.
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "1",
    }
    command = [
        str(BIN / "celery"), "-A", "partnerbenefits", "worker", "--loglevel=WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    worker = subprocess.Popen(command, cwd=BASE_DIR, env=worker_environment)  # noqa: S603
    from partnerbenefits.celery import app

    app.conf.update(task_always_eager=False, broker_url=broker)

    def write_one(index: int) -> None:
        with transaction.atomic():
            activity_record(
                kind=Activity.Kind.ROLES_CHANGED,
                actor=actor,
                organization=organization,
                before={"member": f"bench-{index}@example.com", "roles": []},
                after={"member": f"bench-{index}@example.com", "roles": ["admin_agent"]},
            )

    try:
        # One event first, once the worker answers: the timing starts with a warm worker.
        write_one(-1)
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while receiver.count() < 1 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        if receiver.count() < 1:
            raise SystemExit("The worker delivered nothing: is the broker up?")
        receiver.ids.clear()
        receiver.requests = 0
        started = time.monotonic()
        for index in range(EVENTS):
            write_one(index)
        written = time.monotonic() - started
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while receiver.count() < EVENTS and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        seconds = (receiver.last_at or time.monotonic()) - started
        time.sleep(2)  # anything sent twice would arrive now
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        receiver.server.shutdown()
        endpoint.delete()
        connection.close()
    return WebhookFigures(
        events=EVENTS,
        received=receiver.count(),
        requests=receiver.requests,
        bad_signatures=receiver.bad_signatures,
        write_seconds=round(written, 1),
        seconds=round(seconds, 1),
        processes=f"{os.cpu_count()} (default pool)",
    )


def _empty_broker(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def report(figures: WebhookFigures) -> str:
    verdict = "PASS" if figures.passed else "MISS"
    return "\n".join(
        [
            f"webhooks (one worker, {figures.processes} processes)",
            f"  {figures.received} of {figures.events} events received, "
            f"{figures.requests} requests, {figures.bad_signatures} bad signatures",
            f"  records written in {figures.write_seconds:.1f} s (one transaction each); "
            f"{figures.seconds:.1f} s from the first commit to the last event received "
            f"({figures.received / max(figures.seconds, 0.1):.0f} events/s)",
            f"  {verdict}  webhooks: all {figures.events} delivered once within {MAX_SECONDS:g} s",
        ]
    )


def main() -> int:
    bench_database_ready()
    figures = measure(environment=dict(os.environ))
    print(report(figures))
    return 0 if figures.passed else 1


if __name__ == "__main__":
    sys.exit(main())
