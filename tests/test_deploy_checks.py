"""``manage.py check --deploy`` refuses the stand-ins of a demo in production: an embedded
SQLite file, a cache in each process's memory, and warns when no release is named. Each check
runs in a fresh process, as settings are read from the environment at start-up."""

from __future__ import annotations

import pytest

from common.checks import NO_RELEASE, PROCESS_CACHE_IN_PRODUCTION, SQLITE_IN_PRODUCTION
from tests.fresh_process import PRODUCTION_ENV, manage, run_python

POSTGRES = "postgres://app:secret@db.internal:5432/benefits"
REDIS = "redis://cache.internal:6379/0"
COMPLETE = {**PRODUCTION_ENV, "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS}
RELEASED = {**COMPLETE, "DJANGO_RELEASE": "2025.11.30-abc1234"}
ALL_IDS = [SQLITE_IN_PRODUCTION, PROCESS_CACHE_IN_PRODUCTION, NO_RELEASE]


def deploy_check(**env: str) -> str:
    result = manage("check", "--deploy", "--fail-level", "CRITICAL", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_production_on_sqlite_is_an_error_that_says_to_set_database_url():
    without_database = {k: v for k, v in RELEASED.items() if k != "DATABASE_URL"}
    output = deploy_check(**without_database)
    assert f"({SQLITE_IN_PRODUCTION})" in output
    assert "Set DATABASE_URL to a PostgreSQL database" in output
    assert f"({PROCESS_CACHE_IN_PRODUCTION})" not in output


def test_production_on_a_per_process_cache_is_an_error_that_says_to_set_redis_url():
    output = deploy_check(**{k: v for k, v in RELEASED.items() if k != "REDIS_URL"})
    assert f"({PROCESS_CACHE_IN_PRODUCTION})" in output
    assert "Set REDIS_URL" in output
    assert "'default'" in output
    assert f"({SQLITE_IN_PRODUCTION})" not in output


def test_production_without_a_release_is_warned_about_stale_cached_html():
    output = deploy_check(**COMPLETE)
    assert f"({NO_RELEASE})" in output
    assert "cached HTML of the previous release could be served" in output
    assert "ERRORS" not in output


def test_the_sqlite_and_cache_errors_fail_the_deployment_check():
    result = manage("check", "--deploy", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert SQLITE_IN_PRODUCTION in result.stderr
    assert PROCESS_CACHE_IN_PRODUCTION in result.stderr


def test_debug_mode_skips_the_production_checks():
    output = deploy_check(**{**PRODUCTION_ENV, "DJANGO_DEBUG": "1"})
    for check_id in ALL_IDS:
        assert check_id not in output


def test_the_plain_check_leaves_the_production_checks_to_deploy():
    # migrate and the test suite run the plain checks: a demo on SQLite must still start.
    result = manage("check", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    for check_id in ALL_IDS:
        assert check_id not in result.stdout + result.stderr


@pytest.mark.parametrize("backend", ["locmem.LocMemCache", "dummy.DummyCache"])
def test_every_cache_alias_is_checked(backend):
    """Any alias, not only "default": a second cache in process memory is refused too."""
    result = run_python(
        "import django; from django.conf import settings; django.setup();"
        "settings.CACHES = {**settings.CACHES, 'extra': {'BACKEND': "
        f"'django.core.cache.backends.{backend}'}}}};"
        "from common.checks import check_caches;"
        "print([(m.id, m.msg) for m in check_caches()])",
        **RELEASED,
    )
    assert result.returncode == 0, result.stderr
    assert f"('{PROCESS_CACHE_IN_PRODUCTION}', \"The cache 'extra'" in result.stdout
