"""The wizard's stored state (benefits/wizard/state.py): what is read back, and where it goes
while the cache fails: into the session, read back first as the newest, and moved back to the
cache once it answers."""

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


def test_a_stored_state_keeps_each_value_of_its_fields_type_and_drops_the_rest():
    state = WizardState(
        step="review", action="add", subscription_id=5, tenant_id=3, key_id=9,
        reviewed={"seats": 30}, token="ab" * 16,
    )  # fmt: skip
    assert WizardState.from_dict(state.as_dict()) == state
    # What an older release may have written: other types, unknown names, missing fields.
    older = {"step": "confirm", "action": 1, "tenant_id": "3", "key_id": True, "extra": "x"}
    assert WizardState.from_dict(older) == WizardState()
    assert WizardState.from_dict({"subscription_id": None, "key_id": 7}) == WizardState(key_id=7)
    assert WizardState.from_dict(["not", "a", "dict"]) == WizardState()
