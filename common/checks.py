"""Deployment checks (``manage.py check --deploy``): a production process must not run on the
stand-ins that make a demo work on one machine — an embedded SQLite file, a cache each process
keeps to itself — nor without a release name. With debug on, none of them apply.

They read only the settings (no connection is opened), so the check can run in a build step
before the database or Redis are reachable."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

SQLITE_IN_PRODUCTION = "partnerbenefits.E001"
PROCESS_CACHE_IN_PRODUCTION = "partnerbenefits.E002"
NO_RELEASE = "partnerbenefits.W001"

# Backends whose contents live in one process: workers would each see their own page versions,
# rate limits and wizard states.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.database, deploy=True)
def check_database(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    engine = settings.DATABASES.get("default", {}).get("ENGINE", "")
    if not engine.endswith("sqlite3"):
        return []
    return [
        checks.Error(
            "The default database is an embedded SQLite file.",
            hint="Set DATABASE_URL to a PostgreSQL database (postgres://user:password@host:5432/"
            "name): SQLite serialises every write and lives on one machine's disk.",
            id=SQLITE_IN_PRODUCTION,
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def check_caches(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    return [
        checks.Error(
            f"The cache {alias!r} is kept in each process's memory ({config.get('BACKEND')}).",
            hint="Set REDIS_URL: every process and machine must share the cache (page versions, "
            "rate limits, the redemption wizard's state).",
            id=PROCESS_CACHE_IN_PRODUCTION,
        )
        for alias, config in settings.CACHES.items()
        if config.get("BACKEND") in PER_PROCESS_CACHES
    ]


@checks.register(checks.Tags.caches, deploy=True)
def check_release(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.RELEASE:
        return []
    return [
        checks.Warning(
            "DJANGO_RELEASE is empty: cached HTML of the previous release could be served after "
            "a deployment.",
            hint="Set DJANGO_RELEASE to the version being deployed (a commit or a tag).",
            id=NO_RELEASE,
        )
    ]


NO_PORTAL_BASE_URL = "partnerbenefits.W002"
MAIL_NOT_DELIVERED = "partnerbenefits.W003"
SENDER_ON_LOCALHOST = "partnerbenefits.W004"
# Backends that keep a mail inside the process (printed, kept in memory, dropped).
UNDELIVERED_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@checks.register(deploy=True)
def check_mail(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Mails carry links (password reset, invitations): they need the portal's public address,
    a mail server and a sender a mail server accepts."""
    if settings.DEBUG:
        return []
    warnings: list[checks.CheckMessage] = []
    if not settings.PORTAL_BASE_URL:
        warnings.append(
            checks.Warning(
                "PORTAL_BASE_URL is empty: links in mails use the first allowed host over "
                "HTTPS, which may not be the portal's public address.",
                hint="Set PORTAL_BASE_URL to the address people open, such as "
                "https://benefits.example.com.",
                id=NO_PORTAL_BASE_URL,
            )
        )
    if settings.EMAIL_BACKEND in UNDELIVERED_MAIL_BACKENDS:
        warnings.append(
            checks.Warning(
                "EMAIL_URL is not an SMTP server: mails (password resets, invitations) are "
                "only printed in the log, nobody receives them.",
                hint="Set EMAIL_URL, such as smtp://user:password@mail.example.com:587/?tls=True.",
                id=MAIL_NOT_DELIVERED,
            )
        )
    if "@localhost" in str(settings.DEFAULT_FROM_EMAIL).lower():
        warnings.append(
            checks.Warning(
                "DEFAULT_FROM_EMAIL is an address on localhost: mail servers refuse or "
                "mark as spam mails from it.",
                hint='Set DEFAULT_FROM_EMAIL, such as "Partner Benefits <benefits@example.com>".',
                id=SENDER_ON_LOCALHOST,
            )
        )
    return warnings
