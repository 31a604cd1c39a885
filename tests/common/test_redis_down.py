"""The portal with its Redis down (a port where nothing listens): pages render afresh, people
stay signed in, the wizard carries on in the session, guesses are refused with a precise
message, and /healthz/ says what is down. Never a server error."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from accounts.models import User
from benefits.models import ProductKey
from common import ratelimit
from common.redis_cache import RedisCache
from tests.accounts.factories import TEST_PASSWORD
from tests.benefits.wizard_pages import O365_25, office
from tests.benefits.wizard_pages import URL as REDEEM
from tests.common.dead_redis import dead_caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """Production's cache settings, with the Redis unreachable."""
    settings.CACHES = dead_caches()
    settings.SESSION_ENGINE = "common.sessions"
    settings.REDEEM_STATE_STORE = "cache"


@pytest.fixture
def signed_in(redis_down, client, contoso_admin):
    client.force_login(contoso_admin)
    return client


def test_the_sign_in_page_and_signing_in_work(redis_down, client, admin_user):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"login": admin_user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # the session came from the database


@pytest.mark.parametrize("name", ["home", "benefits:azure_cloud", "products", "activity"])
def test_pages_render_afresh(signed_in, name):
    response = signed_in.get(reverse(name))
    assert response.status_code == 200
    assert response.context["user"].is_authenticated


def test_signing_out_works(signed_in):
    assert signed_in.post(reverse("logout")).status_code == 302
    assert signed_in.get(reverse("home")).status_code == 302  # to the sign-in page


def test_the_wizard_carries_on_in_the_session(signed_in):
    started = signed_in.get(REDEEM, {"subscription": office().pk, "action": "extend"})
    assert started.status_code == 200
    assert "Enter the product key" in started.content.decode()
    again = signed_in.get(REDEEM)  # the state was kept in the session, not lost
    assert "Enter the product key" in again.content.decode()


def test_a_key_check_is_refused_with_a_precise_message(signed_in):
    signed_in.get(REDEEM, {"subscription": office().pk, "action": "extend"})
    response = signed_in.post(REDEEM, {"step": "key", "key": O365_25})
    assert response.status_code == 503
    assert str(ratelimit.PAUSED_MESSAGES[ratelimit.KEY_VALIDATION]) in response.content.decode()
    assert not ProductKey.objects.filter(key=O365_25, redeemed_at__isnull=False).exists()


def test_a_password_change_is_refused_with_a_precise_message(redis_down, client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-password-42",
            "new_password2": "a-new-long-password-42",
        },
    )
    assert response.status_code == 503
    assert str(ratelimit.PAUSED_MESSAGES[ratelimit.PASSWORD_CHANGE]) in response.content.decode()
    assert User.objects.get(pk=admin_user.pk).check_password(TEST_PASSWORD)  # unchanged


def test_healthz_names_what_is_down(redis_down, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == [
        "database: ok",
        "cache: unavailable",
        "page cache: unavailable",
    ]


def test_the_page_cache_misses_and_warns_once_a_minute(redis_down, caplog):
    from common.pagecache import page_cache

    cache = page_cache()
    assert isinstance(cache, RedisCache)
    with caplog.at_level(logging.WARNING, logger="common.redis_cache"):
        for _ in range(20):
            cache.set("table", "<table>", 30)
            assert cache.get("table", "missing") == "missing"
            assert cache.get_or_set("rows", lambda: [1, 2]) == [1, 2]
    warnings = [r for r in caplog.records if "Page cache unavailable" in r.getMessage()]
    assert len(warnings) <= 1  # at most one a minute: another test may have warned first


def test_the_default_cache_still_raises_for_its_callers_to_decide(redis_down):
    import redis
    from django.core.cache import cache

    with pytest.raises(redis.RedisError):
        cache.get("anything")
