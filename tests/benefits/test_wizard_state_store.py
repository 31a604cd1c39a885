"""Where the wizard's state goes while the cache fails (benefits/wizard/state.py): into the
session, read back first as the newest, and moved back to the cache once it answers."""

from __future__ import annotations

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from benefits.wizard.state import KEY, SESSION_KEY, CacheStateStore, WizardState

pytestmark = pytest.mark.django_db


def refuse(*args, **kwargs):
    raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:9. Connection refused.")


def test_a_state_the_cache_refuses_is_kept_in_the_session_then_moved_back(monkeypatch):
    session = SessionStore()
    store = CacheStateStore(session, user_id=1)
    with monkeypatch.context() as down:
        down.setattr(cache, "set", refuse)
        down.setattr(cache, "get", refuse)
        store.save(WizardState(step=KEY, action="extend", subscription_id=7))
        assert session[SESSION_KEY]["step"] == KEY
        assert store.load().subscription_id == 7
    assert store.load().subscription_id == 7  # the session's copy is the newest
    store.save(WizardState(step=KEY, action="extend", subscription_id=8))
    assert SESSION_KEY not in session
    assert store.load().subscription_id == 8


def test_a_state_the_cache_cant_give_back_starts_at_choose(monkeypatch):
    session = SessionStore()
    store = CacheStateStore(session, user_id=1)
    store.save(WizardState(step=KEY, action="extend"))
    monkeypatch.setattr(cache, "get", refuse)
    assert store.load() == WizardState()
