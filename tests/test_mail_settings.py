"""EMAIL_URL, DEFAULT_FROM_EMAIL and PORTAL_BASE_URL from the environment, and the deployment
checks about them. Each runs in a fresh process: settings are read once at start-up."""

from __future__ import annotations

import json

import pytest

from common.checks import MAIL_NOT_DELIVERED, NO_PORTAL_BASE_URL, SENDER_ON_LOCALHOST
from tests.fresh_process import PRODUCTION_ENV, manage, run_python

MAIL_ENV = {"EMAIL_URL": "", "DEFAULT_FROM_EMAIL": "", "PORTAL_BASE_URL": ""}
COMPLETE = {
    **PRODUCTION_ENV,
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/benefits",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "DJANGO_RELEASE": "2025.11.30-abc1234",
    "EMAIL_URL": "smtp+tls://mailer:s3cret@mail.example.com",
    "DEFAULT_FROM_EMAIL": "Partner Benefits <benefits@example.com>",
    "PORTAL_BASE_URL": "https://benefits.example.com",
}
MAIL_NAMES = [
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
    "PORTAL_BASE_URL",
]


def mail_settings(**env: str) -> dict:
    result = run_python(
        "import json; from django.conf import settings;"
        f"print(json.dumps({{n: getattr(settings, n) for n in {MAIL_NAMES!r}}}))",
        **{**PRODUCTION_ENV, **MAIL_ENV, **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def start_failure(**env: str) -> str:
    """The message a start with this environment stops with."""
    result = run_python(
        "from django.conf import settings; settings.EMAIL_BACKEND",
        **{**PRODUCTION_ENV, **MAIL_ENV, **env},
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    return last_line


def test_without_email_url_mails_are_printed_on_the_console():
    mail = mail_settings()
    assert mail["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert mail["DEFAULT_FROM_EMAIL"] == "Partner Benefits <no-reply@localhost>"


def test_console_email_url_prints_mails_on_the_console():
    mail = mail_settings(EMAIL_URL="console://")
    assert mail["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_smtp_email_url_with_tls_sets_server_account_and_starttls():
    mail = mail_settings(
        EMAIL_URL="smtp://mailer%40example.com:p%3Ass@mail.example.com:587/?tls=True"
    )
    assert mail == {
        **mail,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer@example.com",
        "EMAIL_HOST_PASSWORD": "p:ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }


def test_smtp_ssl_email_url_uses_tls_from_the_first_byte_on_port_465():
    mail = mail_settings(EMAIL_URL="smtp+ssl://mailer:secret@mail.example.com/?timeout=3")
    assert (mail["EMAIL_PORT"], mail["EMAIL_USE_SSL"], mail["EMAIL_USE_TLS"]) == (465, True, False)
    assert mail["EMAIL_TIMEOUT"] == 3


def test_smtp_without_a_port_or_account_uses_port_25_without_login():
    mail = mail_settings(EMAIL_URL="smtp://relay.internal")
    assert (mail["EMAIL_HOST"], mail["EMAIL_PORT"], mail["EMAIL_HOST_USER"]) == (
        "relay.internal",
        25,
        "",
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mail.example.com:587", "its scheme is none"),
        ("http://mail.example.com", "its scheme is 'http'"),
        ("smtp://user:secret@mail.example.com:58x7", "can't be read"),
        ("smtp://user:secret@mail.example.com/?timeout=soon", "can't be read"),
        ("smtp+ssl://", "names no mail server host"),
        ("smtp://user@mail.example.com", "both a user and a password"),
    ],
)
def test_a_bad_email_url_stops_the_start_with_a_message_naming_it(url, reason):
    message = start_failure(EMAIL_URL=url)
    assert "EMAIL_URL" in message
    assert reason in message
    assert "secret" not in message  # the mail server's password is never repeated


def test_default_from_email_and_portal_base_url_come_from_the_environment():
    mail = mail_settings(
        DEFAULT_FROM_EMAIL="Benefits <benefits@example.com>",
        PORTAL_BASE_URL="https://benefits.example.com/",
    )
    assert mail["DEFAULT_FROM_EMAIL"] == "Benefits <benefits@example.com>"
    assert mail["PORTAL_BASE_URL"] == "https://benefits.example.com"


def test_portal_base_url_defaults_to_the_development_server_in_debug():
    mail = mail_settings(DJANGO_DEBUG="1")
    assert mail["PORTAL_BASE_URL"] == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEFAULT_FROM_EMAIL", "benefits"),
        ("PORTAL_BASE_URL", "benefits.example.com"),
        ("PORTAL_BASE_URL", "https://benefits.example.com:port"),
    ],
)
def test_a_bad_sender_or_base_url_stops_the_start_with_a_message_naming_it(name, value):
    assert name in start_failure(**{name: value})


def deploy_check(**env: str) -> str:
    result = manage("check", "--deploy", "--fail-level", "CRITICAL", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_production_without_mail_settings_is_warned_about_each():
    output = deploy_check(**{**COMPLETE, **MAIL_ENV})
    assert f"({NO_PORTAL_BASE_URL}) PORTAL_BASE_URL is empty" in output
    assert f"({MAIL_NOT_DELIVERED}) EMAIL_URL is not an SMTP server" in output
    assert f"({SENDER_ON_LOCALHOST}) DEFAULT_FROM_EMAIL is an address on localhost" in output


def test_production_with_mail_settings_has_no_mail_warning():
    output = deploy_check(**COMPLETE)
    for check_id in (NO_PORTAL_BASE_URL, MAIL_NOT_DELIVERED, SENDER_ON_LOCALHOST):
        assert check_id not in output


@pytest.mark.parametrize(
    ("name", "value", "limits"),
    [
        ("MAIL_RETRY_BACKOFF_SECONDS", "0", "at most 600 (default 60)"),
        ("MAIL_RETRY_BACKOFF_SECONDS", "soon", "at most 600 (default 60)"),
        ("WEBHOOKS_ATTEMPT_SECONDS", "301", "at most 300 (default 15)"),
    ],
)
def test_a_number_of_seconds_out_of_range_stops_the_start_saying_what_fits(name, value, limits):
    message = start_failure(**COMPLETE, **{name: value})
    assert f"{name} must be a number of seconds above 0 and {limits}, not {value!r}." in message
