"""Reading and planting the redemption wizard's state, wherever the settings keep it."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from benefits.views.redeem import SESSION_KEY, state_key


def _cache_key(client) -> str:
    session = client.session
    return state_key(session.session_key, int(session["_auth_user_id"]))


def wizard_state(client) -> dict:
    if settings.REDEEM_STATE_STORE == "cache":
        return cache.get(_cache_key(client))
    return client.session[SESSION_KEY]


def set_wizard_state(client, state: dict) -> None:
    if settings.REDEEM_STATE_STORE == "cache":
        cache.set(_cache_key(client), state)
    else:
        session = client.session
        session[SESSION_KEY] = state
        session.save()
