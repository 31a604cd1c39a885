"""/healthz/ against a real database, and the settings a production deployment relies on.

Each settings check starts a fresh Python process, because settings are read once at start-up
from the environment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.fresh_process import PRODUCTION_ENV, manage, run_python


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("mfa_required", [False, True])
def test_healthz_reads_neither_session_nor_account_of_a_signed_in_client(
    client, admin_user, django_assert_num_queries, settings, mfa_required
):
    """Load balancers and benchmark clients may probe with a session cookie: the probe stays
    one query, as cheap as for anyone."""
    settings.PORTAL_MFA_REQUIRED = mfa_required
    client.force_login(admin_user)
    with django_assert_num_queries(1):
        assert client.get(reverse("healthz")).content == b"ok"


def test_healthz_answers_503_when_the_database_is_down():
    # A database on a port where nothing listens: the check must fail fast and say so.
    result = run_python(
        "import django; django.setup();"
        "from django.test import Client; from django.urls import reverse;"
        "r = Client().get(reverse('healthz'));"
        "print(r.status_code, r.content.decode())",
        **{**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "testserver"},
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none?connect_timeout=2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "503 database: unavailable",
        "cache: ok",
        "page cache: ok",
    ]


def test_healthz_answers_plain_http_in_production_while_pages_redirect():
    result = run_python(
        "import django; django.setup();"
        "from django.test import Client; from django.urls import reverse; c = Client();"
        "print(c.get(reverse('healthz')).status_code, c.get(reverse('login')).status_code)",
        **{**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "testserver"},
    )
    assert result.stdout.split() == ["200", "301"], result.stderr


def test_production_settings_pass_the_deployment_checklist():
    # PostgreSQL, Redis, a release name and a mail server, as production must have
    # (common/checks.py); the check reads the settings only and connects to none of them.
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://app:secret@db.internal:5432/benefits",
        REDIS_URL="redis://cache.internal:6379/0",
        DJANGO_RELEASE="2025.11.30-abc1234",
        EMAIL_URL="smtp://mailer:secret@mail.internal:587/?tls=True",
        DEFAULT_FROM_EMAIL="Partner Benefits <benefits@example.com>",
        PORTAL_BASE_URL="https://benefits.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_idempotency_keys_are_kept_a_day_at_least():
    """Clients retry a write the next day: a shorter keeping time would redeem twice."""
    result = manage("check", **{**PRODUCTION_ENV, "API_IDEMPOTENCY_KEEP_HOURS": "1"})
    assert result.returncode != 0
    assert "API_IDEMPOTENCY_KEEP_HOURS must be a whole number of at least 24, not '1'." in (
        result.stderr
    )


def test_two_step_verification_is_required_in_production_unless_turned_off():
    """The tests turn it off for every test (tests/conftest.py): here, the settings as they
    start."""
    code = "from django.conf import settings; print(settings.PORTAL_MFA_REQUIRED)"
    assert run_python(code, **PRODUCTION_ENV).stdout.strip() == "True"
    off = {**PRODUCTION_ENV, "PORTAL_MFA_REQUIRED": "0"}
    assert run_python(code, **off).stdout.strip() == "False"


def test_database_url_selects_postgresql_with_health_checks():
    result = run_python(
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['CONN_HEALTH_CHECKS'])",
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://app:secret@db.internal:5432/benefits",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "benefits",
        "db.internal",
        "True",
    ], result.stderr


SHOW_DATABASE_OPTIONS = (
    "from django.conf import settings as s; o = s.DATABASES['default'].get('OPTIONS', {});"
    "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
)


def test_postgresql_prepares_the_queries_a_connection_repeats():
    postgres_url = "postgres://app:secret@db.internal:5432/benefits"
    result = run_python(SHOW_DATABASE_OPTIONS, **PRODUCTION_ENV, DATABASE_URL=postgres_url)
    assert result.stdout.split() == ["True", "5"], result.stderr
    # Behind a pooler in transaction mode, which can't keep a connection's statements.
    result = run_python(
        SHOW_DATABASE_OPTIONS,
        **PRODUCTION_ENV,
        DATABASE_URL=postgres_url,
        DJANGO_DB_PREPARED_STATEMENTS="0",
    )
    assert result.stdout.split() == ["None", "None"], result.stderr
    # SQLite has no such options.
    result = run_python(SHOW_DATABASE_OPTIONS, **PRODUCTION_ENV)
    assert result.stdout.split() == ["None", "None"], result.stderr


def test_without_database_url_the_portal_uses_an_embedded_sqlite_file():
    result = run_python(
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])",
        **PRODUCTION_ENV,
    )
    assert result.stdout.strip() == "django.db.backends.sqlite3", result.stderr


SHOW_CACHES = (
    "from django.conf import settings as s; c = s.CACHES;"
    "print(*[c[a]['BACKEND'].rsplit('.', 1)[1] for a in ('default', 'pages')], s.SESSION_ENGINE);"
    "print(c['default'].get('LOCATION'), c['pages'].get('LOCATION'));"
    "print(c['pages'].get('OPTIONS', {}).get('ignore_exceptions', False),"
    " c['default'].get('OPTIONS', {}).get('ignore_exceptions', False),"
    " c['default'].get('OPTIONS', {}).get('socket_timeout'))"
)


def test_redis_url_serves_both_caches_and_sessions_that_survive_it():
    result = run_python(SHOW_CACHES, **PRODUCTION_ENV, REDIS_URL="redis://cache.internal:6379/0")
    assert result.stdout.splitlines() == [
        "RedisCache RedisCache common.sessions",
        "redis://cache.internal:6379/0 redis://cache.internal:6379/0",
        "True False 0.5",  # only the pages cache turns errors into misses
    ], result.stderr


def test_redis_pages_url_gives_the_pages_cache_a_redis_of_its_own():
    result = run_python(
        SHOW_CACHES,
        **PRODUCTION_ENV,
        REDIS_URL="redis://state.internal:6379/0",
        REDIS_PAGES_URL="redis://pages.internal:6379/0",
        REDIS_TIMEOUT_SECONDS="0.25",
    )
    lines = result.stdout.splitlines()
    assert lines[1] == "redis://state.internal:6379/0 redis://pages.internal:6379/0", result.stderr
    assert lines[2] == "True False 0.25"


def test_without_redis_url_each_cache_is_its_own_local_memory():
    result = run_python(SHOW_CACHES, **PRODUCTION_ENV)
    assert result.stdout.splitlines()[:2] == [
        "LocMemCache LocMemCache django.contrib.sessions.backends.db",
        "default pages",
    ], result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_production_sends_hsts_and_secure_http_only_cookies(client, admin_user):
    """Over HTTPS, as production serves: HSTS, and cookies that scripts can't read and that
    never travel over plain HTTP."""
    from tests.accounts.factories import TEST_PASSWORD

    page = client.get(reverse("login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    response = client.post(
        reverse("login"),
        {"login": admin_user.email, "password": TEST_PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
