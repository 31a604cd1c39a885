"""The portal served by gunicorn with production's settings and gunicorn.conf.py, against the
test database: for tests that must go through HTTP (PostgreSQL only). Unlike production's one
thread a process, each process has threads, so that many requests are in flight at the same
moment (24 presses of Redeem) on any machine."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
THREADS = 8
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    from django.db import connection

    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{database['USER']}{password}@{host}:{port}/{database['NAME']}"


@pytest.fixture
def gunicorn_server(postgres) -> Iterator[str]:
    """The base URL of a gunicorn serving the test database (committed data only: use with
    ``@pytest.mark.django_db(transaction=True)``). Stopped when the test ends."""
    with serving() as base:
        yield base


@pytest.fixture
def start_gunicorn(postgres) -> Iterator[Callable[..., str]]:
    """Starts a gunicorn with more environment variables — ``start_gunicorn(DJANGO_X="1")`` —
    and returns its base URL; every one started is stopped when the test ends."""
    with ExitStack() as running:

        def start(**env: str) -> str:
            return running.enter_context(serving(access_log=None, **env))

        yield start


@contextmanager
def serving(*, access_log: Path | None = None, **extra_env: str) -> Iterator[str]:
    """gunicorn on a free loopback port, for as long as the block runs (needs the ``postgres``
    fixture), with ``extra_env`` added to its environment. ``access_log``: the file gunicorn
    writes its access log to, as gunicorn.conf.py formats it (without it, none is written)."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.benefits.live_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "live-server-tests-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # Connections closed after each request: none outlives the test's database.
        "DJANGO_CONN_MAX_AGE": "0",
        # Its accounts sign in with a password only, as in the other tests.
        "PORTAL_MFA_REQUIRED": "0",
        # gunicorn.conf.py (read from the working directory) logs access to standard output
        # unless told otherwise: a file here, or nothing.
        "GUNICORN_ACCESS_LOG": str(access_log) if access_log else "",
        **extra_env,
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "partnerbenefits.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(server: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}")
        try:
            if requests.get(f"{base}/healthz/", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still starting
            pass
        time.sleep(0.1)
    pytest.fail("gunicorn did not answer /healthz/ within 30 s")


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def signed_in_session(base: str, email: str, password: str) -> requests.Session:
    """A browser-like session signed in as ``email``."""
    session = requests.Session()
    # A new connection per request, as behind the production proxy: a kept-alive one that
    # gunicorn closed while the other sessions got ready would be reset at the press.
    session.headers["Connection"] = "close"
    page = session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "login": email,
            "password": password,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, (email, response.status_code)
    return session
