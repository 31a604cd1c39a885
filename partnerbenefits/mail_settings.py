"""The mail settings from the environment: ``EMAIL_URL`` (parsed with dj-email-url) and
``PORTAL_BASE_URL``. Read by settings.py at start-up; a value that can't work stops the start
with a message naming the variable, never a traceback from a parser's internals.

``EMAIL_URL`` forms:
- ``smtp://user:password@host:587/?tls=True`` — SMTP with STARTTLS (``?ssl=True``: TLS from
  the first byte); user and password percent-encoded; ``?timeout=10`` in seconds;
- ``smtp+ssl://user:password@host`` — TLS from the first byte, port 465 unless given;
- ``smtp+tls://user:password@host`` — STARTTLS, port 587 unless given;
- ``console://`` — each mail is printed on the process's standard output (the default).
"""

from __future__ import annotations

import email.utils
import urllib.parse
import warnings
from typing import Any

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# The schemes the portal accepts. dj-email-url knows smtp, submission and console; the
# smtp+ssl / smtp+tls spellings are the ones operators type, mapped onto its query options.
SCHEMES = {"smtp", "smtp+ssl", "smtp+tls", "submission", "submit", "console"}
EXTRA_SCHEMES = {"smtp+ssl": ("ssl", 465), "smtp+tls": ("tls", 587)}

# A mail server that stops answering must not hold a request or a worker for long.
DEFAULT_TIMEOUT_SECONDS = 10


def bad_email_url(reason: str) -> ImproperlyConfigured:
    # The URL itself is never repeated: it may hold the mail server's password.
    return ImproperlyConfigured(
        f"EMAIL_URL {reason}. Examples: smtp://user:password@mail.example.com:587/?tls=True, "
        "smtp+ssl://user:password@mail.example.com:465, console:// (or leave it unset to "
        "print mails on the console)."
    )


def email_settings(url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings for ``url`` (empty: the console backend)."""
    url = url.strip()
    if not url:
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SCHEMES:
        shown = f"{scheme!r}" if scheme else "none"
        raise bad_email_url(
            f"must start with one of {', '.join(sorted(s + '://' for s in SCHEMES))} "
            f"(its scheme is {shown})"
        )
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    port_default = 0
    if scheme in EXTRA_SCHEMES:
        option, port_default = EXTRA_SCHEMES[scheme]
        parts = urllib.parse.urlsplit("smtp" + url[len(scheme) :])
        query = "&".join(filter(None, [parts.query, f"{option}=True"]))
        url = urllib.parse.urlunsplit(parts._replace(query=query))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dj_email_url.parse(url)
    except ValueError as error:
        # urllib's "Port could not be cast to integer value", int()'s for ?timeout=.
        raise bad_email_url(f"can't be read: {error}") from None
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        raise bad_email_url("names no mail server host")
    if bool(parsed["EMAIL_HOST_USER"]) != bool(parsed["EMAIL_HOST_PASSWORD"]):
        raise bad_email_url("must give both a user and a password, or neither")
    # dj-email-url puts 25 on every smtp:// without a port, smtp+ssl:// included.
    port = parts.port or (port_default if scheme in EXTRA_SCHEMES else parsed["EMAIL_PORT"])
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parsed["EMAIL_HOST"],
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": parsed["EMAIL_USE_TLS"],
        "EMAIL_USE_SSL": parsed["EMAIL_USE_SSL"],
        "EMAIL_TIMEOUT": parsed["EMAIL_TIMEOUT"] or DEFAULT_TIMEOUT_SECONDS,
    }


def from_address(value: str, *, default: str) -> str:
    """``DEFAULT_FROM_EMAIL``: an address, optionally with a display name."""
    value = value.strip()
    if not value:
        return default
    _name, address = email.utils.parseaddr(value)
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise ImproperlyConfigured(
            "DEFAULT_FROM_EMAIL must be an address such as benefits@example.com or "
            f'"Partner Benefits <benefits@example.com>", not {value!r}.'
        )
    return value


def portal_base_url(value: str, *, debug: bool) -> str:
    """The portal's public address for links in mails, without a trailing slash; empty when
    unset in production (the deployment check warns; links then use the first allowed host)."""
    value = value.strip().rstrip("/")
    if not value:
        return "http://127.0.0.1:8000" if debug else ""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise ImproperlyConfigured(
            "PORTAL_BASE_URL must be the portal's public address, such as "
            f"https://benefits.example.com, not {value!r}."
        )
    try:
        parts.port  # noqa: B018 - urllib checks the port only when asked
    except ValueError:
        raise ImproperlyConfigured(
            f"PORTAL_BASE_URL has a port that isn't a number: {value!r}."
        ) from None
    return value
