"""Reading and planting the redemption wizard's state, wherever the settings keep it."""

from __future__ import annotations

from benefits.views.redeem import load_state, save_state


def _user_id(session) -> int:
    return int(session["_auth_user_id"])


def wizard_state(client) -> dict:
    session = client.session
    return load_state(session, _user_id(session))


def set_wizard_state(client, state: dict) -> None:
    session = client.session
    save_state(session, _user_id(session), state)
    session.save()
