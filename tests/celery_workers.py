"""Real Celery worker processes for the tests, started as in production (``celery -A
partnerbenefits worker``) against the test's database, broker and SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import redis

from partnerbenefits.celery import app
from tests.benefits.live_server import _database_url
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[1]
# One task at a time, on the default queue, quiet, and no chatter between workers.
COMMAND = [
    str(Path(sys.executable).with_name("celery")),
    *("-A", "partnerbenefits", "worker", "--pool=solo", "--concurrency=1", "-Q", "celery"),
    *("--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"),
]


def worker_start(*, broker_url: str, smtp, **settings: str) -> subprocess.Popen:
    """A worker on ``broker_url`` that mails through ``smtp``, with extra environment
    ``settings``."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"smtp://{smtp.host}:{smtp.port}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "worker-tests-only",
        # Connections closed after each task: none outlives the test's database.
        "DJANGO_CONN_MAX_AGE": "0",
        **settings,
    }
    env.pop("REDIS_URL", None)
    return subprocess.Popen(COMMAND, cwd=ROOT, env=env)


def workers_stop(processes: Iterable[subprocess.Popen]) -> None:
    """Ask each still running to stop (warm shutdown), then wait; kill any that hangs."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def forget_connections() -> None:
    """Close and forget the app's broker connections (kombu keeps them in a registry of the
    process; even tasks run in the process take one), so the next are made for the broker URL
    now configured."""
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@contextmanager
def real_broker(url: str) -> Iterator[redis.Redis]:
    """While it lasts, the test process publishes tasks to the Redis broker at ``url`` (emptied
    before and after) instead of running them itself. Fails with CI=true, skips otherwise, when
    no Redis answers there."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        require_service(False, f"needs a Redis server at {url}")
    before = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=url)
    forget_connections()
    try:
        yield client
    finally:
        app.conf.update(before)
        forget_connections()
        client.flushdb()
