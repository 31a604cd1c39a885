"""Reading and planting the redemption wizard's state, wherever the settings keep it."""

from __future__ import annotations

from benefits.wizard.state import WizardState, state_store


def _store(client, session):
    return state_store(session, int(session["_auth_user_id"]))


def wizard(client) -> WizardState:
    session = client.session
    return _store(client, session).load()


def wizard_state(client) -> dict:
    """The state as a dict of its fields (``token``, ``step``, ``key_id``, …)."""
    return wizard(client).as_dict()


def set_wizard_state(client, state: WizardState | dict) -> None:
    session = client.session
    if isinstance(state, dict):
        state = WizardState.from_dict(state)
    _store(client, session).save(state)
    session.save()
