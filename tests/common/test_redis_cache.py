"""The production cache (common/redis_cache.py), sessions, rate limits and the page version on a
real Redis server (REDIS_URL, or the local default)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
import redis
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD
from tests.conftest import require_service

# A database of its own for each test process (pytest-xdist's gw0, gw1…), so that one's
# FLUSHDB (cache.clear()) never empties another's counters mid-test. Databases 9 to 11 and 14
# belong to the Celery tests' brokers and to `make bench`.
FREE_DATABASES = (15, 13, 8, 7, 6, 5, 4, 3)
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = (
    os.environ.get("REDIS_URL")
    or f"redis://127.0.0.1:6379/{FREE_DATABASES[WORKER % len(FREE_DATABASES)]}"
)


@pytest.fixture
def redis_settings(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        available = True
    except redis.RedisError:
        available = False
    require_service(available, f"needs a Redis server at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "partnerbenefits-tests",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
        "pages": {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "partnerbenefits-tests-pages",
            "OPTIONS": {"ignore_exceptions": True, "name": "Page cache"},
        },
    }
    settings.SESSION_ENGINE = "common.sessions"
    settings.REDEEM_STATE_STORE = "cache"
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_cache_stores_and_counts_in_redis(redis_settings):
    from django.core.cache import cache

    cache.set("greeting", "bonjour", 30)
    assert cache.get("greeting") == "bonjour"
    cache.add("attempts", 0)
    assert cache.incr("attempts") == 1
    assert redis.Redis.from_url(REDIS_URL).exists(cache.make_and_validate_key("greeting"))


def test_a_counter_changes_in_one_round_trip_and_never_comes_back_without_expiry(
    redis_settings, monkeypatch
):
    """incr and decr send one command (a script doing EXISTS and INCRBY at once), keep the
    counter's expiry, and refuse a counter that is gone without creating it again."""
    from django.core.cache import cache

    sent: list[str] = []
    send_command = redis.connection.AbstractConnection.send_command

    def recording(connection, *args, **kwargs):
        sent.append(str(args[0]))
        return send_command(connection, *args, **kwargs)

    cache.add("failures", 0, 60)
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", recording)
    assert cache.incr("failures") == 1
    assert cache.decr("failures", 3) == -2
    assert [name for name in sent if name != "SCRIPT LOAD"] == ["EVALSHA", "EVALSHA"]
    raw = redis.Redis.from_url(REDIS_URL)
    assert 0 < raw.ttl(cache.make_and_validate_key("failures")) <= 60

    with pytest.raises(ValueError, match="not found"):
        cache.incr("expired")
    assert not raw.exists(cache.make_and_validate_key("expired"))


def test_one_redis_client_serves_every_command(redis_settings):
    from django.core.cache import cache

    cache.set("greeting", "bonjour", 30)
    redis_client = cache._cache  # type: ignore[attr-defined]  # RedisCache's own; not in the stubs
    client = redis_client.get_client(write=True)
    assert redis_client.get_client(write=True) is client
    assert client.get(cache.make_and_validate_key("greeting")) is not None


@pytest.mark.django_db
def test_sessions_are_read_from_redis(redis_settings, client, admin_user):
    from django.core.cache import cache

    response = client.post(reverse("login"), {"login": admin_user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    session_key = client.cookies["sessionid"].value
    assert cache.get(f"django.contrib.sessions.cached_db{session_key}") is not None
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_failed_key_validations_are_counted_in_redis(redis_settings, contoso_client):
    from benefits.models import Subscription

    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    contoso_client.get(reverse("benefits:redeem"), {"subscription": office.pk, "action": "extend"})
    for _ in range(10):
        contoso_client.post(
            reverse("benefits:redeem"), {"step": "key", "key": "BCDFG-HJKMP-QRTVW-XY234-6789B"}
        )
    locked = contoso_client.post(
        reverse("benefits:redeem"), {"step": "key", "key": "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"}
    )
    assert locked.status_code == 429
    assert "Too many attempts, try again in 15 minutes" in locked.content.decode()
    user_id = contoso_client.session["_auth_user_id"]
    client = redis.Redis.from_url(REDIS_URL)
    failures = client.get(f"partnerbenefits-tests:1:key-validation-failures:{user_id}")
    assert failures is not None
    assert int(failures) == 10


@pytest.mark.django_db
def test_a_page_version_changed_on_one_machine_is_seen_by_another(
    redis_settings, settings, django_capture_on_commit_callbacks
):
    """Two cache clients of one Redis, as two machines have: a change committed through one
    gives every page key read through the other a new value, with nothing to invalidate."""
    from django.core.cache import caches

    from common import pagecache

    settings.CACHES = {**settings.CACHES, "other_machine": settings.CACHES["default"]}
    here, there = caches["default"], caches["other_machine"]
    assert here is not there
    seen_there = there.get(pagecache._version_key(7)) or pagecache._version(7)
    key_before = pagecache.page_key(7, "products")
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.pages_changed(7)
    assert there.get(pagecache._version_key(7)) != seen_there
    assert pagecache.page_key(7, "products") != key_before


@pytest.mark.django_db
def test_healthz_answers_ok_with_redis_up(redis_settings, client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.django_db
def test_healthz_asks_the_task_broker_and_pings_a_shared_redis_once(settings):
    from unittest import mock

    from accounts.views import health_checks

    # The caches and the broker on one Redis server, in other database numbers. PING is
    # counted, not sent: no other test's Redis is touched.
    settings.CACHES = {
        alias: {"BACKEND": "common.redis_cache.RedisCache", "LOCATION": f"{REDIS_URL}"}
        for alias in ("default", "pages")
    }
    settings.CELERY_BROKER_URL = REDIS_URL.rsplit("/", 1)[0] + "/9"
    assert [name for name, _check in health_checks()][-1] == "task broker"
    with mock.patch.object(redis.Redis, "ping", autospec=True, return_value=True) as ping:
        assert all(check() for _name, check in health_checks())
    assert ping.call_count == 1


@pytest.mark.django_db
def test_healthz_answers_503_when_the_task_broker_is_down(settings, client):
    from tests.smtp import free_port

    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"task broker: unavailable" in response.content


@pytest.mark.django_db
def test_rendered_tables_go_to_the_pages_cache(redis_settings, contoso_client):
    assert contoso_client.get(reverse("products")).status_code == 200
    keys = redis.Redis.from_url(REDIS_URL).keys("partnerbenefits-tests-pages:*")
    assert any(b"page-version:" in key for key in keys)
    assert any(b"template.cache.products-table" in key for key in keys)


@pytest.mark.django_db
def test_a_session_copy_lives_at_most_its_bounded_time(redis_settings, client, admin_user):
    from django.core.cache import cache

    from common.sessions import COPY_SECONDS

    client.force_login(admin_user)
    key = cache.make_and_validate_key(
        "django.contrib.sessions.cached_db" + client.cookies["sessionid"].value
    )
    assert 0 < redis.Redis.from_url(REDIS_URL).ttl(key) <= COPY_SECONDS


@pytest.mark.django_db
def test_people_stay_signed_in_when_redis_goes_down(redis_settings, client, admin_user):
    from django.test import override_settings

    from tests.common.dead_redis import dead_caches

    client.force_login(admin_user)
    assert client.get(reverse("home")).status_code == 200
    with override_settings(CACHES=dead_caches()):  # the same sessions, copies out of reach
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"] == admin_user


@pytest.mark.django_db(transaction=True)  # committed, so the page version is written
def test_a_redemption_over_the_api_takes_four_redis_round_trips(
    redis_settings, client, contoso_admin, office_benefit, monkeypatch
):
    """The token's counter for this minute, the account's key-check counter (counted, then
    given back), and one write of the page version however many rows said it changed."""
    from benefits.api import auth
    from benefits.models import ProductKey
    from tests.benefits.api.conftest import bearer
    from tests.benefits.factories import ProductKeyFactory
    from tests.conftest import url

    # Both requests in one clock minute: the first of a minute also starts its counter.
    minute = 29_000_000 * 60 + 20.0
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: minute))
    headers = bearer(contoso_admin)
    keys: list[ProductKey] = ProductKeyFactory.create_batch(2, benefit=office_benefit)

    def redeem(key: ProductKey) -> None:
        response = client.post(
            url("api:redemption_create"),
            {"key": key.key, "action": "activate"},
            content_type="application/json",
            headers={**headers, "Idempotency-Key": key.key},
        )
        assert response.status_code == 201, response.content

    redeem(keys[0])  # starts the minute's and the window's counters, loads the script
    sent: list[str] = []
    send_packed_command = redis.connection.AbstractConnection.send_packed_command

    def recording(connection, command, *args, **kwargs):
        sent.append(str(command)[:80])
        return send_packed_command(connection, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", recording)
    redeem(keys[1])
    assert len(sent) == 4, sent
