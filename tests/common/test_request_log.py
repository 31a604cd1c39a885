"""Every response names its request (X-Request-ID) and every log line written meanwhile carries
that id, the path and the signed-in account; a caller's id is kept only when it is safe."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from common.request_log import NONE, RequestContextFilter, current_request_id
from tests.fresh_process import PRODUCTION_ENV, run_python

pytestmark = pytest.mark.django_db

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def records(caplog):
    """The records logged during the test, with the fields the portal's handler adds."""
    caplog.handler.addFilter(RequestContextFilter())
    caplog.set_level(logging.INFO)
    return caplog


def test_every_response_carries_a_new_request_id(client):
    first = client.get(reverse("login"))["X-Request-ID"]
    second = client.get(reverse("login"))["X-Request-ID"]
    assert NEW_ID.fullmatch(first)
    assert NEW_ID.fullmatch(second)
    assert first != second


def test_redirects_and_not_found_carry_a_request_id_too(client):
    assert NEW_ID.fullmatch(client.get(reverse("benefits:overview"))["X-Request-ID"])
    assert NEW_ID.fullmatch(client.get("/no-such-page/")["X-Request-ID"])


def test_a_safe_incoming_request_id_is_kept(client):
    response = client.get(reverse("login"), headers={"X-Request-ID": "lb-7f3a.91_x"})
    assert response["X-Request-ID"] == "lb-7f3a.91_x"


@pytest.mark.parametrize(
    "incoming",
    ["a" * 65, "two words", "id\r\nSet-Cookie: x=1", "<script>", "", "clé"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, incoming):
    response = client.get(reverse("login"), headers={"X-Request-ID": incoming})
    assert NEW_ID.fullmatch(response["X-Request-ID"])


def test_a_record_logged_during_a_request_names_it(client, admin_user, records, monkeypatch):
    from benefits.views import overview

    client.force_login(admin_user)
    logger = logging.getLogger("benefits.test")
    render = overview.render

    def logging_render(*args, **kwargs):
        logger.warning("rendering the overview")
        return render(*args, **kwargs)

    monkeypatch.setattr(overview, "render", logging_render)

    response = client.get(reverse("benefits:overview"), {"q": "secret-query-value"})

    [record] = [r for r in records.records if r.name == "benefits.test"]
    assert record.request_id == response["X-Request-ID"]
    assert record.path == reverse("benefits:overview")  # without the query string
    assert record.account_id == str(admin_user.pk)
    assert current_request_id() == NONE  # nothing is left for whatever runs next


def test_a_record_logged_outside_a_request_has_placeholders(records):
    logging.getLogger("benefits.test").warning("from a command")
    [record] = [r for r in records.records if r.name == "benefits.test"]
    assert (record.request_id, record.path, record.account_id) == (NONE, NONE, NONE)


def test_a_signed_out_request_logs_no_account(client, records):
    client.post(reverse("login"), {"login": "nobody@example.com", "password": "wrong"})
    logged = [r for r in records.records if getattr(r, "request_id", NONE) != NONE]
    assert all(r.account_id == NONE for r in logged)


def test_the_text_format_prints_time_level_logger_id_message_path_and_account():
    config: dict[str, Any] = settings.LOGGING
    formatter = logging.Formatter(config["formatters"]["text"]["format"])
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    record.request_id, record.path, record.account_id = "abc123", "/activity/", "42"
    line = formatter.format(record)
    assert re.fullmatch(
        r"\S+ \S+ ERROR django\.request \[abc123\] boom \(path=/activity/ account=42\)", line
    ), line


def test_json_format_writes_one_object_per_line():
    result = run_python(
        "import django, logging; django.setup();"
        "logging.getLogger('benefits.test').warning('hello %s', 'world')",
        **PRODUCTION_ENV,
        DJANGO_LOG_FORMAT="json",
    )
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.strip().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "benefits.test"
    assert entry["message"] == "hello world"
    assert entry["request_id"] == entry["path"] == entry["account_id"] == NONE
    assert entry["time"]
