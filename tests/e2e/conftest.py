"""Playwright driving Debian's Chromium against the live test server, with the demo data."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.test.utils import override_settings
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from tests.conftest import require_service

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DEMO_PASSWORD = "partner-demo"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    require_service(
        os.path.exists(CHROMIUM) or shutil.which("chromium") is not None,
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """pytest-django's live server, started with the settings of plain HTTP: no HTTPS redirect,
    no HSTS (Chromium would remember it for localhost), no Secure cookies. The middleware reads
    these once, when the server starts, so they are set before it does."""
    plain_http = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
    )
    with plain_http:
        server = LiveServer("localhost")
        yield server
        server.stop()


class RequestsBeingAnswered:
    """How many requests the live server is answering now. A request still running when a test
    ends holds PostgreSQL locks that the next flush (one TRUNCATE of every table, taking their
    locks one by one) waits on, and the two can deadlock: the flush fails the test."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs) -> None:
        with self.changed:
            self.count += 1

    def finished(self, **kwargs) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_none(self, timeout: float = 10) -> None:
        with self.changed:
            answered = self.changed.wait_for(lambda: self.count <= 0, timeout)
        assert answered, f"the live server still answers {self.count} request(s) after {timeout} s"


@pytest.fixture(scope="session")
def requests_being_answered() -> Iterator[RequestsBeingAnswered]:
    answering = RequestsBeingAnswered()
    request_started.connect(answering.started, weak=False)
    request_finished.connect(answering.finished, weak=False)
    yield answering
    request_started.disconnect(answering.started)
    request_finished.disconnect(answering.finished)


@pytest.fixture
def demo(transactional_db, requests_being_answered):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield
    # Torn down after the test's browser context closed and before the database is flushed.
    requests_being_answered.wait_until_none()


@pytest.fixture
def locale() -> str:
    """The browser's language (it sends it as Accept-Language); parametrize to change it."""
    return "en-US"


@pytest.fixture
def page(browser, live_server, demo, locale) -> Iterator:
    """A fresh browser page; fails the test if the page breaks its Content-Security-Policy or
    logs a JavaScript error."""
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        # A page answered with 403 or 404 on purpose is logged too; responses are checked below.
        if message.text.startswith("Failed to load resource"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(message.text)

    def on_response(response) -> None:
        # A test that provokes a refusal on purpose lists its status in page.expected_statuses.
        if response.status in getattr(page, "expected_statuses", ()):
            return
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} {response.url}")

    in_flight: set = set()
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    # A test may end while the page still waits on a request (htmx loading the unread count, a
    # click's navigation): closing now would leave the server answering it (see demo).
    deadline = time.monotonic() + 10
    while in_flight and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    context.close()
    assert problems == []


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (axe comes with the
    axe-playwright-python package: nothing is downloaded)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def htmx_settled(page) -> None:
    """Wait until no htmx request is in flight and what it swapped in has settled (listeners
    bound, focus restored) before typing into it: a person never types within the few
    milliseconds that takes, a test would."""
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-added, .htmx-settling, .htmx-swapping')"
    )


def sign_in(page, email: str = "admin@contoso.example") -> None:
    """Sign in through the form, in whichever language the page is in."""
    page.goto(reverse("login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#main form button[type=submit]").click()
    # The home page exactly: a pattern like "**/" would match the sign-in page itself.
    page.wait_for_url(lambda url: urlsplit(url).path == reverse("home"))


def page_without_javascript(browser, live_server, email: str = "admin@contoso.example"):
    """A signed-in page in a browser context with JavaScript turned off; close its context."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page
